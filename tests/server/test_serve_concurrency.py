"""Many concurrent clients get bit-identical answers to the same requests sent alone (dynamic batching must not
change results), and a bounded fuzz pass over the JSON routes never gets a 5xx or takes the server down."""
import concurrent.futures
import json
import random

import pytest

from serve_helpers import Server, make_inputs

CLIENTS = 32
REQUESTS_PER_CLIENT = 6


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("serve_conc"))
    genome = make_inputs(folder)
    server = Server(folder, "--max-batch-tokens", "4096")
    yield server, genome
    server.stop()


def workload(genome):
    rng = random.Random(11)
    requests = []
    for i in range(24):
        length = rng.randint(5, 300)
        seqs = ["".join(rng.choice("ACGU") for _ in range(length)) for _ in range(rng.randint(1, 3))]
        requests.append(("/v1/embeddings", {"input": seqs}))
        requests.append(("/embed", {"sequences": seqs, "pooling": "max", "per_nucleotide": i % 4 == 0}))
    for pos in (1500, 1999, 2105, 3000, 3601, 4300):
        ref = genome[pos - 1]
        alt = [b for b in "ACGT" if b != ref][pos % 3]
        requests.append(("/variants", {"variants": f"20:{pos} {ref}>{alt}"}))
    ref = genome[1000:1300]
    for p in (120, 150, 180):
        alt = ref[:p] + ("A" if ref[p] != "A" else "G") + ref[p + 1:]
        requests.append(("/score", {"pairs": [{"ref": ref, "alt": alt, "pos": p}]}))
    return requests


def test_concurrent_results_equal_results_alone(env):
    server, genome = env
    requests = workload(genome)
    alone = []
    for path, body in requests:
        status, _, payload = server.request("POST", path, body)
        assert status == 200, payload
        alone.append(payload)
    _, _, before = server.request("GET", "/metrics")

    rng = random.Random(5)
    plan = [[rng.randrange(len(requests)) for _ in range(REQUESTS_PER_CLIENT)] for _ in range(CLIENTS)]

    def client(indices):
        out = []
        for i in indices:
            path, body = requests[i]
            status, _, payload = server.request("POST", path, body)
            out.append((i, status, payload))
        return out

    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        results = [r for chunk in pool.map(client, plan) for r in chunk]
    assert len(results) == CLIENTS * REQUESTS_PER_CLIENT
    for i, status, payload in results:
        assert status == 200
        assert payload == alone[i], f"request {i} ({requests[i][0]}) differs when batched with others"
    # The point of the test is batches of several jobs: the queue must actually have merged some.
    _, _, after = server.request("GET", "/metrics")

    def merged_batches(text):
        lines = {l.split()[0]: float(l.split()[1]) for l in text.decode().splitlines()
                 if l.startswith("splicebert_batch_jobs_") and not l.startswith("#")}
        return lines['splicebert_batch_jobs_bucket{le="+Inf"}'] - lines['splicebert_batch_jobs_bucket{le="1"}']

    assert merged_batches(after) > merged_batches(before)


FUZZ_ROUTES = {
    "/tokenize": {"sequences": ["ACGU", "GG"]},
    "/fill-mask": {"inputs": "ACG<mask>U", "top_k": 2},
    "/v1/embeddings": {"input": ["ACGU"], "encoding_format": "float"},
    "/embed": {"sequences": ["ACGUA"], "pooling": "mean", "per_nucleotide": True},
    "/predict": {"sequences": ["ACGU"]},
    "/score": {"pairs": [{"id": "a", "ref": "ACGU" * 60, "alt": "ACGU" * 30 + "CCGU" + "ACGU" * 29, "pos": 120}]},
    "/variants": {"variants": "20:2000 A>G", "profiles": False},
    "/ism": {"sequence": "ACGU" * 60, "start": 0, "end": 2},
}
ODD_VALUES = [None, True, -1, 0, 2**63, 1.5, "", "<script>", "\u0000", "A" * 3000, [], {}, [1, "x"], {"a": [None]},
              "chr20:-5 A>G", "20-1-A-", "\ud800".encode("utf-8", "surrogatepass").decode("latin-1")]


def mutate(rng, body):
    body = json.loads(json.dumps(body))
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(4)
        key = rng.choice(list(body) + ["extra"])
        if kind == 0:
            body[key] = rng.choice(ODD_VALUES)
        elif kind == 1 and key in body:
            del body[key]
        elif kind == 2:
            body = rng.choice(ODD_VALUES)
            break
        else:
            body[key] = [rng.choice(ODD_VALUES) for _ in range(rng.randint(0, 4))]
    return body


def test_fuzz_json_routes_never_fail_the_server(env):
    server, _ = env
    rng = random.Random(2024)
    seen = set()
    for n in range(400):  # bounded: 400 requests
        path = rng.choice(list(FUZZ_ROUTES))
        if rng.random() < 0.1:
            raw = bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))
        else:
            raw = json.dumps(mutate(rng, FUZZ_ROUTES[path])).encode()
        status, headers, payload = server.request("POST", path, raw=raw)
        seen.add(status)
        assert status in (200, 202, 400, 404, 413, 422, 429), (path, raw[:200], status, payload[:300])
        if status >= 400:
            err = json.loads(payload)["error"]
            assert err["status"] == status and "\n" not in err["message"]
    assert server.json("GET", "/health")[0] == 200
    assert {200, 422} <= seen


def test_error_messages_come_back_as_json_not_html(env):
    server, _ = env
    status, headers, payload = server.request("POST", "/variants",
                                              {"variants": '<script>alert(1)</script>"onerror=alert(1)'})
    assert status == 422 and headers["Content-Type"].startswith("application/json")
    assert json.loads(payload)["error"]["message"].startswith("line 1:")
    status, headers, _ = server.request("GET", "/")
    assert status == 200 and "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
