"""A loopback RFC 3161 time stamp authority for the tests: ``openssl ts -reply``
behind a tiny HTTP server on 127.0.0.1, one request at a time.

``answer`` makes it misbehave: ``"garbage"`` (bytes that are no TimeStampResp),
``"http-error"`` (status 500), ``"other-imprint"`` (a genuine token over another
digest), ``"other-nonce"`` (a genuine token with another nonce), ``"slow"``
(answers after :attr:`LoopbackTsa.delay` seconds).
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Literal

from asn1crypto import tsp  # type: ignore[import-untyped,unused-ignore]

from tests.pki import Identity

Answer = Literal["token", "garbage", "http-error", "other-imprint", "other-nonce", "slow"]

_CONFIG = """\
[tsa]
default_tsa = tsa_config

[tsa_config]
serial = {folder}/serial
signer_cert = {folder}/tsa.pem
signer_key = {folder}/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1.1
digests = sha256
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_alg = sha256
"""


class LoopbackTsa:
    """``openssl ts -reply`` as an HTTP TSA; :attr:`url` is where it listens."""

    def __init__(self, openssl: str, tsa: Identity, folder: Path) -> None:
        tsa.write(folder, "tsa")
        (folder / "serial").write_text("01\n", encoding="ascii")
        config = folder / "openssl-tsa.cnf"
        config.write_text(_CONFIG.format(folder=folder), encoding="ascii")
        self.answer: Answer = "token"
        self.delay = 3.0
        self.requests = 0
        lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with lock:
                    owner.requests += 1
                    status, body = owner._reply(openssl, config, query)
                self.send_response(status)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep the test output clean

        self._server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/tsa"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _reply(self, openssl: str, config: Path, query: bytes) -> tuple[int, bytes]:
        if self.answer == "http-error":
            return 500, b"internal error"
        if self.answer == "garbage":
            return 200, b"\x30\x03\x02\x01\x07 this is no time stamp response"
        if self.answer == "slow":
            time.sleep(self.delay)
        if self.answer in ("other-imprint", "other-nonce"):
            req = tsp.TimeStampReq.load(query)
            if self.answer == "other-imprint":
                req["message_imprint"]["hashed_message"] = bytes(32)
            else:
                req["nonce"] = req["nonce"].native + 1
            query = req.dump(force=True)
        with tempfile.TemporaryDirectory() as tmp:
            q, r = Path(tmp) / "q.tsq", Path(tmp) / "r.tsr"
            q.write_bytes(query)
            command = [openssl, "ts", "-reply", "-config", str(config)]
            done = subprocess.run(
                [*command, "-queryfile", str(q), "-out", str(r)],
                capture_output=True,
                check=False,
            )
            if done.returncode != 0:
                return 500, done.stderr
            return 200, r.read_bytes()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
