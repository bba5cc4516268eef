// Lint rules for hand-written code only: generated/ is checked by the drift test, not by style rules.
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "docs-dist/",
      "generated/",
      "test-results/",
      "test/fixtures/",
      // Consumer projects of the packed tarball (a CommonJS one among them), checked by test/package.
      "test/package/consumers/",
      ".tmp/",
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
);
