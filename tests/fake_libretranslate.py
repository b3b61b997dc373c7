"""A small LibreTranslate-compatible server on 127.0.0.1 for deep-translator's real HTTP calls."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeLibre:
    """`script` is a list of behaviours consumed one request at a time; the last one repeats:
    'ok', '429', '500', 'hang', 'garbage', 'surrogate' (valid JSON whose text is half a surrogate pair)."""

    def __init__(self, script: list[str], hang_seconds: float = 5.0) -> None:
        self.script = list(script)
        self.hang_seconds = hang_seconds
        self.requests: list[dict] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                query = parse_qs(urlsplit(self.path).query)
                length = int(self.headers.get("Content-Length") or 0)
                body = parse_qs(self.rfile.read(length).decode()) if length else {}
                params = {k: v[0] for k, v in {**query, **body}.items()}
                owner.requests.append(params)
                behaviour = owner.script.pop(0) if len(owner.script) > 1 else owner.script[0]
                if behaviour == "hang":
                    time.sleep(owner.hang_seconds)
                    return
                if behaviour in ("429", "500"):
                    self.send_response(int(behaviour))
                    self.end_headers()
                    return
                text = "\ud83d" if behaviour == "surrogate" else f"[{params.get('target')}] {params.get('q')}"
                payload = b"{not json" if behaviour == "garbage" else json.dumps({"translatedText": text}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeLibre:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
