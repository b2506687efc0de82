"""Tiny HTTP client for compare/serve.sh (standard library; proxies ignored, loopback only).

  http_probe.py get URL            -> body on stdout, exit 0 on a 2xx answer
  http_probe.py post URL BODYFILE  -> POST BODYFILE as application/json, same
"""

import sys
import urllib.parse
import urllib.request


def main():
    method, url = sys.argv[1], sys.argv[2]
    host = urllib.parse.urlsplit(url).hostname
    if host != "127.0.0.1":
        sys.exit(f"http_probe.py: refusing non-loopback target {url}")
    data = None
    headers = {}
    if method == "post":
        with open(sys.argv[3], "rb") as f:
            data = f.read()
        headers["Content-Type"] = "application/json"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    req = urllib.request.Request(url, data=data, headers=headers,
                                 method="POST" if method == "post" else "GET")
    try:
        with opener.open(req, timeout=5) as resp:
            sys.stdout.write(resp.read().decode("utf-8", "replace"))
            return 0 if 200 <= resp.status < 300 else 1
    except Exception as e:  # connection refused while starting, HTTP errors, timeouts
        print(f"http_probe.py: {url}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
