"""Shared by the server tests: a tiny random model, a small synthetic genome with two transcripts, and a
`splicebert serve` process on a free loopback port. Every request goes to 127.0.0.1 only, with a timeout."""
import json
import os
import random
import subprocess
import time
import urllib.error
import urllib.request

# Servers started here add no SpliceAI-style deltas unless a test passes --splice-model (the shipped splice-site
# model is the verb's default otherwise).
os.environ.setdefault("SPLICEBERT_SPLICE_MODEL", "none")
SPLICE_MODEL = os.path.join(os.environ.get("SPLICEBERT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")),
                            "models", "splice-site")
BIN = os.environ.get("SPLICEBERT_BIN", os.path.join(os.path.dirname(__file__), "..", "..", "build", "splicebert"))

# A random genome of 6,000 nt (contig "20") and two transcripts on opposite strands (BED12).
GENOME_LENGTH = 6000
ANNOTATION = ("20\t900\t4000\tTX1\t0\t+\t900\t4000\t0\t3\t300,300,500,\t0,1100,2600,\n"
              "20\t1500\t5000\tTX2\t0\t-\t1500\t5000\t0\t2\t200,400,\t0,3100,\n")


def make_inputs(folder):
    """Writes tiny/ (random model, 256-nt window), g.fa and a.bed into `folder`; returns the genome sequence."""
    model = os.path.join(folder, "tiny")
    if not os.path.exists(model):
        subprocess.run([BIN, "init", "-o", model, "--layers", "2", "--hidden", "32", "--heads", "2",
                        "--intermediate", "64", "--max-positions", "258"], capture_output=True, check=True, timeout=60)
    rng = random.Random(7)
    genome = "".join(rng.choice("ACGT") for _ in range(GENOME_LENGTH))
    with open(os.path.join(folder, "g.fa"), "w") as f:
        f.write(">20\n" + "\n".join(genome[i:i + 60] for i in range(0, len(genome), 60)) + "\n")
    with open(os.path.join(folder, "a.bed"), "w") as f:
        f.write(ANNOTATION)
    return genome


class Server:
    def __init__(self, folder, *extra):
        self.folder = folder
        self.log = open(os.path.join(folder, "server.err"), "w")
        self.process = subprocess.Popen(
            [BIN, "serve", "-m", os.path.join(folder, "tiny"), "-f", os.path.join(folder, "g.fa"),
             "-a", os.path.join(folder, "a.bed"), "--port", "0", "-t", "1", *extra],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.process.stdout.readline()
        assert "listening on http://127.0.0.1:" in line, line
        self.url = line.strip().split("listening on ")[1].rstrip("/")
        deadline = time.time() + 60
        while time.time() < deadline:
            status, _, _ = self.request("GET", "/health")
            if status == 200:
                return
            time.sleep(0.05)
        raise AssertionError("server did not become ready")

    def request(self, method, path, body=None, headers=None, raw=None, timeout=60):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers or {})
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def json(self, method, path, body=None, **kw):
        status, headers, payload = self.request(method, path, body, **kw)
        return status, json.loads(payload) if payload else None

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
