import { describe, expect, it } from "vitest";
import { loadCommands } from "../../../src/cli/commands.js";
import { complete, completionScript } from "../../../src/cli/completion.js";
import { requestedName } from "../../../src/cli/program.js";

const commands = await loadCommands();
const extras = ["credential-create-aksk", "credential-get-aksk"];

describe("cli completion", () => {
  it("completes command names, skipping global options and their values", () => {
    expect(complete(["server-lis"], commands, extras)).toEqual(["server-list"]);
    expect(complete(["--output", "json", "credential-c"], commands, extras)).toEqual([
      "credential-create",
      "credential-create-aksk",
    ]);
    expect(complete(["comp"], commands, extras)).toContain("completion");
  });

  it("completes a command's flags and an enum flag's values", () => {
    expect(complete(["server-list", "--stat"], commands, extras)).toEqual(["--status"]);
    expect(complete(["server-list", "--order", ""], commands, extras)).toEqual(["asc", "desc"]);
    expect(complete(["server-start", "x", "--wa"], commands, extras)).toEqual(["--wait", "--wait-timeout"]);
    expect(complete(["image-download", "x", "--sa"], commands, extras)).toEqual(["--save"]);
    expect(complete(["completion", ""], commands, extras)).toEqual(["bash", "zsh"]);
  });

  it("finds the command past global options; scripts exist for bash and zsh only", () => {
    expect(requestedName(["--rc", "file", "-o", "json", "server-list"])).toBe("server-list");
    expect(requestedName(["help", "server-show"])).toBe("server-show");
    expect(completionScript("bash")).toContain("cloudpods __complete");
    expect(completionScript("zsh")).toContain("compdef _cloudpods cloudpods");
    expect(completionScript("fish")).toBeUndefined();
  });
});
