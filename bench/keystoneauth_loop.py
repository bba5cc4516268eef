"""The reference client's request loop, driven by bench/client.ts against the bench server.

Usage: /usr/bin/python3 keystoneauth_loop.py AUTH_URL PASSWORD COUNT
Logs in with keystoneauth1 (Session + v3.Password, endpoint_filter for compute_v2/public/region0), warms up,
prints "ready", then for every line read from stdin runs COUNT sequential GET /servers (body parsed as JSON,
as our client does) and prints the elapsed milliseconds. Exits when stdin closes. If keystoneauth1 cannot be
imported it prints "unavailable <reason>" and exits 2.
"""

import sys
import time

try:
    from keystoneauth1 import session
    from keystoneauth1.identity import v3
except ImportError as e:  # the Debian package is missing, or the wrong python3 runs this
    print(f"unavailable {e}", flush=True)
    sys.exit(2)


def main() -> None:
    auth_url, password, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    auth = v3.Password(
        auth_url=auth_url,
        username="sysadmin",
        password=password,
        user_domain_name="Default",
        project_name="system",
        project_domain_name="Default",
    )
    sess = session.Session(auth=auth)
    endpoint_filter = {"service_type": "compute_v2", "interface": "public", "region_name": "region0"}

    def run(n: int) -> None:
        for _ in range(n):
            r = sess.get("/servers", endpoint_filter=endpoint_filter)
            if r.status_code != 200:
                raise SystemExit(f"GET /servers answered {r.status_code}")
            r.json()

    run(min(count, 200))
    print("ready", flush=True)
    for _ in sys.stdin:
        t = time.perf_counter()
        run(count)
        print(f"{(time.perf_counter() - t) * 1000:.3f}", flush=True)


main()
