"""`splicebert serve` over loopback: every route, status code and limit (docs/serve.md)."""
import base64
import concurrent.futures
import hashlib
import json
import math
import os
import socket
import struct
import time

import pytest

from serve_helpers import Server, make_inputs


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("serve"))
    genome = make_inputs(folder)
    server = Server(folder)
    yield server, genome, folder
    server.stop()


def vocab(folder):
    with open(os.path.join(folder, "tiny", "vocab.txt")) as f:
        return [line.rstrip("\n") for line in f]


def variant_at(genome, one_based, alt_choice=0):
    ref = genome[one_based - 1]
    alt = [b for b in "ACGT" if b != ref][alt_choice]
    return ref, alt


def test_health_info_models_openapi(env):
    server, _, folder = env
    assert server.json("GET", "/health") == (200, {"status": "ok"})
    status, info = server.json("GET", "/info")
    assert status == 200
    with open(os.path.join(folder, "tiny", "model.safetensors"), "rb") as f:
        assert info["weights_sha256"] == hashlib.sha256(f.read()).hexdigest()
    assert info["layers"] == 2 and info["hidden_size"] == 32 and info["max_nucleotides"] == 256
    assert info["genome"]["transcripts"] == 2 and info["engine"].startswith("splicebert.cpp")
    status, models = server.json("GET", "/v1/models")
    assert status == 200 and models["object"] == "list" and models["data"][0]["id"] == "tiny"
    status, spec = server.json("GET", "/openapi.json")
    assert status == 200 and spec["openapi"].startswith("3.")
    routes = {"/health", "/info", "/v1/models", "/tokenize", "/fill-mask", "/v1/embeddings", "/embed", "/predict",
              "/score", "/variants", "/ism", "/jobs/{id}", "/metrics", "/openapi.json"}
    assert routes <= set(spec["paths"])


def test_tokenize_matches_vocabulary(env):
    server, _, folder = env
    words = vocab(folder)
    status, out = server.json("POST", "/tokenize", {"sequences": ["ACGU", "acgt"]})
    assert status == 200
    expected = [words.index(t) for t in ["<cls>", "A", "C", "G", "U", "<eos>"]]
    assert out["tokens"][0]["input_ids"] == expected
    assert out["tokens"][1]["input_ids"] == expected  # lower case and T read as U
    assert out["tokens"][0]["attention_mask"] == [1] * 6


def test_fill_mask_shapes(env):
    server, _, _ = env
    status, one = server.json("POST", "/fill-mask", {"inputs": "ACGUACGU<mask>ACGU", "top_k": 3})
    assert status == 200 and len(one) == 3
    scores = [c["score"] for c in one]
    assert scores == sorted(scores, reverse=True) and 0 < sum(scores) <= 1 + 1e-9
    assert all("<mask>" not in c["sequence"] for c in one)
    status, two = server.json("POST", "/fill-mask", {"inputs": ["AC<mask>GU<mask>A", "ACGU<mask>"],
                                                     "nucleotides_only": True, "top_k": 4})
    assert status == 200 and len(two) == 2 and len(two[0]) == 2 and len(two[1]) == 4
    assert {c["token_str"] for c in two[1]} == {"A", "C", "G", "U"}
    assert server.json("POST", "/fill-mask", {"inputs": "ACGU"})[0] == 422
    assert server.json("POST", "/fill-mask", {"inputs": "AC<mask>", "top_k": 0})[0] == 422


def test_openai_embeddings_float_and_base64(env):
    server, _, _ = env
    body = {"input": ["ACGUACGUAC", "GGGAAAC"], "model": "tiny"}
    status, out = server.json("POST", "/v1/embeddings", body)
    assert status == 200 and out["object"] == "list" and out["model"] == "tiny"
    assert [d["index"] for d in out["data"]] == [0, 1] and len(out["data"][0]["embedding"]) == 32
    assert out["usage"] == {"prompt_tokens": 12 + 9, "total_tokens": 12 + 9}
    status, b64 = server.json("POST", "/v1/embeddings", dict(body, encoding_format="base64"))
    decoded = struct.unpack("<32f", base64.b64decode(b64["data"][0]["embedding"]))
    assert list(decoded) == pytest.approx(out["data"][0]["embedding"], abs=0)
    assert server.json("POST", "/v1/embeddings", {"input": "ACGU", "model": "other"})[0] == 404
    assert server.json("POST", "/v1/embeddings", {"input": "ACGU", "encoding_format": "int8"})[0] == 422
    assert server.json("POST", "/v1/embeddings", {"input": 5})[0] == 422
    assert server.json("POST", "/v1/embeddings", {"input": "ACGU!!"})[0] == 422


def test_embed_rows_and_pooling(env):
    server, _, _ = env
    status, out = server.json("POST", "/embed", {"sequences": "ACGUACGUAA", "per_nucleotide": True, "pooling": "mean"})
    assert status == 200
    rows = out["embeddings"][0]["last_hidden_state"]
    assert len(rows) == 10 and len(rows[0]) == 32
    mean = [sum(r[c] for r in rows) / len(rows) for c in range(32)]
    assert out["embeddings"][0]["pooled"] == pytest.approx(mean, rel=1e-5, abs=1e-6)
    status, out = server.json("POST", "/embed", {"sequences": ["ACGU"], "layers": "all", "per_nucleotide": True,
                                                 "pooling": "none", "keep_special": True})
    assert status == 200 and len(out["embeddings"][0]["hidden_states"]) == 3
    assert len(out["embeddings"][0]["hidden_states"][0]) == 6
    assert server.json("POST", "/embed", {"sequences": "ACGU", "pooling": "sum"})[0] == 422
    assert server.json("POST", "/embed", {"sequences": "ACGU", "pooling": "none"})[0] == 422


def test_predict_needs_a_task_head(env):
    server, _, _ = env
    status, out = server.json("POST", "/predict", {"sequences": "ACGU"})
    assert status == 422 and "task head" in out["error"]["message"]


def test_score_pairs(env):
    server, _, _ = env
    ref = ("ACGGTCAT" * 40)[:300]
    alt = ref[:150] + ("A" if ref[150] != "A" else "C") + ref[151:]
    status, out = server.json("POST", "/score", {"pairs": [{"id": "snv", "ref": ref, "alt": alt, "pos": 150},
                                                           {"id": "indel", "ref": ref, "alt": ref[:-1], "pos": 10}]})
    assert status == 200
    snv, indel = out["results"]
    assert snv["reason"] is None and isinstance(snv["context_kl"], float) and snv["max_kl"] >= 0
    assert indel["reason"] == "INDEL" and "context_kl" not in indel
    assert server.json("POST", "/score", {"pairs": [{"ref": ref, "alt": alt}]})[0] == 422
    assert server.json("POST", "/score", {"pairs": []})[0] == 422


def test_variants_spellings_agree_and_profiles_are_consistent(env):
    server, genome, _ = env
    ref, alt = variant_at(genome, 2000)
    answers = []
    for spelling in [f"chr20:2000 {ref}>{alt}", f"20-2000-{ref}-{alt}", f"20\t2000\t.\t{ref}\t{alt}\t.\t.\t."]:
        status, out = server.json("POST", "/variants", {"variants": spelling})
        assert status == 200, out
        answers.append(out["variants"][0]["scores"])
    assert answers[0] == answers[1] == answers[2]
    scores = answers[0]
    assert {s["transcript"] for s in scores} == {"TX1", "TX2"}
    for s in scores:
        p = s["profile"]
        assert len(p["kl"]) == len(p["ref"]) == len(p["alt"]) == p["window_end"] - p["window_start"] == 256
        # KL recomputed here from the returned probabilities (float32 in JSON, hence the tolerance).
        i = p["variant_index"] + 5
        kl = sum(a * math.log(a / r) for a, r in zip(p["alt"][i], p["ref"][i]))
        assert kl == pytest.approx(p["kl"][i], rel=1e-3, abs=1e-7)
        assert all(abs(sum(row) - 1) < 1e-5 for row in p["ref"][:10])
        assert all(0 <= e[0] < e[1] <= 256 for e in p["exons"])
    tx1 = next(s for s in scores if s["transcript"] == "TX1")
    assert tx1["strand"] == "+" and tx1["consequence"] == "splice_acceptor_variant"  # 1 nt before exon 2 (2000..)


def test_variants_reasons_and_errors(env):
    server, genome, _ = env
    ref, alt = variant_at(genome, 2000)
    wrong = [b for b in "ACGT" if b != ref][1]
    text = f"20:2000 {wrong}>{alt}\n# comment\n\n20:5500 {genome[5499]}>{variant_at(genome, 5500)[1]}\n20:2000 {ref}>{ref}{alt}"
    status, out = server.json("POST", "/variants", {"variants": text, "profiles": False})
    assert status == 200
    assert [v["reasons"] for v in out["variants"]] == [["REF_MISMATCH"], ["NOT_IN_TRANSCRIPT"], ["INDEL"]]
    assert out["variants"][0]["line"] == 1 and out["variants"][1]["line"] == 4
    status, out = server.json("POST", "/variants", {"variants": "chr20:2000 A>Q"})
    assert status == 422 and out["error"]["message"].startswith("line 1:")
    assert server.json("POST", "/variants", {"variants": ""})[0] == 422
    assert server.json("POST", "/variants", {"variants": "\n".join(["20:2000 A>G"] * 201)})[0] == 422


def test_ism_job_progress_and_result(env):
    server, genome, _ = env
    sequence = genome[1000:1300]
    status, job = server.json("POST", "/ism", {"sequence": sequence, "start": 140, "end": 150})
    assert status == 202 and job["total"] == 10
    deadline = time.time() + 60
    while job["status"] in ("queued", "running") and time.time() < deadline:
        time.sleep(0.05)
        status, job = server.json("GET", "/jobs/" + job["id"])
        assert status == 200 and 0 <= job["progress"] <= 1
    assert job["status"] == "done" and job["progress"] == 1
    rows = job["result"]["scores"]
    assert len(rows) == 10
    for i, row in enumerate(rows):
        base = "ACGU".index(sequence[140 + i].replace("T", "U"))
        assert row[base] is None and all(isinstance(row[k], float) for k in range(4) if k != base)
    assert server.json("GET", "/jobs/0123456789abcdef")[0] == 404
    assert server.json("POST", "/ism", {"sequence": "ACGT" * 10})[0] == 422


def test_metrics_count_requests(env):
    server, _, _ = env
    server.json("POST", "/tokenize", {"sequences": "ACGU"})
    status, _, text = server.request("GET", "/metrics")
    text = text.decode()
    assert status == 200
    assert 'splicebert_requests_total{route="/tokenize",status="200"}' in text
    assert "splicebert_queue_depth" in text and "splicebert_batch_jobs_bucket" in text
    assert "splicebert_request_duration_seconds_bucket" in text


def test_bad_json_and_unknown_route(env):
    server, _, _ = env
    assert server.request("POST", "/embed", raw=b"{not json")[0] == 400
    assert server.request("POST", "/embed", raw=b"[1, 2]")[0] == 422
    # A number past double's range is unreadable JSON too (it was a 422 "bad field"; found by fuzz_server_request).
    status, _, payload = server.request("POST", "/embed", raw=b'{"sequences": ["ACGT"], "window": 1e400}')
    assert status == 400 and b"not JSON" in payload, (status, payload)
    assert server.json("GET", "/nope")[0] == 404


def test_access_log_is_json_lines(env):
    server, _, folder = env
    server.json("GET", "/info")
    time.sleep(0.1)
    with open(os.path.join(folder, "server.err")) as f:
        lines = [json.loads(l) for l in f if l.startswith("{")]
    assert any(l["route"] == "/info" and l["status"] == 200 and "latency_ms" in l and "id" in l for l in lines)


# ---- limits and auth: servers of their own ---------------------------------------------------------------------

def test_api_key(tmp_path):
    make_inputs(str(tmp_path))
    key = tmp_path / "key"
    key.write_text("s3cret-key-for-tests-0123\n")
    server = Server(str(tmp_path), "--api-key-file", str(key))
    try:
        assert server.json("GET", "/health")[0] == 200
        status, headers, _ = server.request("GET", "/info")
        assert status == 401 and headers.get("WWW-Authenticate") == "Bearer"
        assert server.json("GET", "/info", headers={"Authorization": "Bearer wrong-key-for-tests-01234"})[0] == 401
        good = {"Authorization": "Bearer s3cret-key-for-tests-0123"}
        assert server.json("GET", "/info", headers=good)[0] == 200
        assert server.json("POST", "/tokenize", {"sequences": "AC"}, headers=good)[0] == 200
        assert server.request("GET", "/metrics")[0] == 401
    finally:
        server.stop()


def test_body_too_large_and_timeout(tmp_path):
    make_inputs(str(tmp_path))
    server = Server(str(tmp_path), "--max-body-bytes", "80000", "--timeout-s", "0.001")
    try:
        status, _, _ = server.request("POST", "/tokenize", raw=json.dumps({"sequences": "A" * 100000}).encode())
        assert status == 413
        big = {"input": ["ACGU" * 64] * 64}
        status, body = server.json("POST", "/v1/embeddings", big)
        assert status == 504 and "deadline" in body["error"]["message"]
    finally:
        server.stop()


def test_queue_full_gives_429_with_retry_after(tmp_path):
    make_inputs(str(tmp_path))
    server = Server(str(tmp_path), "--max-queue", "1")
    try:
        body = {"input": ["ACGU" * 64] * 64}
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            results = list(pool.map(lambda _: server.request("POST", "/v1/embeddings", body), range(16)))
        statuses = [r[0] for r in results]
        assert set(statuses) <= {200, 429} and 429 in statuses and 200 in statuses
        assert all(r[1].get("Retry-After") == "1" for r in results if r[0] == 429)
    finally:
        server.stop()


def test_client_disconnect_drops_the_queued_work(tmp_path):
    make_inputs(str(tmp_path))
    server = Server(str(tmp_path), "--max-batch-tokens", "300")
    try:
        host, port = server.url.split("//")[1].split(":")
        body = json.dumps({"input": ["ACGU" * 64] * 64}).encode()
        request = (f"POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        # A slow request keeps the worker busy while the others wait in the queue and their clients hang up.
        # Bounded retries: on a fast machine the busy request may end before the hang-ups reach the queue.
        for attempt in range(3):
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                busy = pool.submit(server.request, "POST", "/v1/embeddings", {"input": ["ACGU" * 64] * 256})
                time.sleep(0.02)
                for _ in range(4):
                    s = socket.create_connection((host, int(port)), timeout=10)
                    s.sendall(request)
                    s.close()
                assert busy.result()[0] == 200
            time.sleep(0.3)
            _, _, text = server.request("GET", "/metrics")
            dropped = [l for l in text.decode().splitlines() if l.startswith("splicebert_jobs_dropped_total")]
            if int(dropped[0].split()[1]) >= 1:
                break
        assert int(dropped[0].split()[1]) >= 1
    finally:
        server.stop()


def score_vcf_info(folder, records, name, *options):
    """`splicebert score-vcf` on records [(pos, ref, alt)] of contig 20 of the env's genome: each record's INFO."""
    import subprocess
    from serve_helpers import BIN
    vcf, out = os.path.join(folder, name + ".vcf"), os.path.join(folder, name + ".out.vcf")
    with open(vcf, "w") as f:
        f.write("##fileformat=VCFv4.2\n##contig=<ID=20,length=6000>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for pos, ref, alt in records:
            f.write(f"20\t{pos}\t.\t{ref}\t{alt}\t.\t.\t.\n")
    subprocess.run([BIN, "score-vcf", "-m", os.path.join(folder, "tiny"), "-f", os.path.join(folder, "g.fa"),
                    "-a", os.path.join(folder, "a.bed"), "-i", vcf, "-o", out, "-q", "-t", "1", *options],
                   check=True, timeout=300)
    with open(out) as f:
        return [dict(kv.split("=", 1) for kv in line.split("\t")[7].strip().split(";") if "=" in kv)
                for line in f if not line.startswith("#")]


def test_variants_give_the_fields_of_score_vcf(env):
    """The same variants through `splicebert score-vcf` (the CLI) and /variants give the same INFO/SpliceBERT."""
    server, genome, folder = env
    records = []
    for pos in (1999, 2000, 2105, 3601, 4300):
        ref = genome[pos - 1]
        records.append((pos, ref, [b for b in "ACGT" if b != ref][pos % 3]))
    cli = [sorted(info["SpliceBERT"].split(",")) if "SpliceBERT" in info else []
           for info in score_vcf_info(folder, records, "in", "--splice-model", "none")]
    status, answer = server.json("POST", "/variants", {"variants": "\n".join(f"20:{p} {r}>{a}" for p, r, a in records),
                                                       "profiles": False})
    assert status == 200

    def g(v):
        return "." if v is None else "%.6g" % v

    served = [sorted("|".join([s["allele"], s["gene"], s["transcript"], s["strand"], g(s["context_kl"]), g(s["max_kl"]),
                               "." if s["max_kl_offset"] is None else str(s["max_kl_offset"]), g(s["donor_kl"]),
                               g(s["acceptor_kl"]), g(s["masked_dp"]), s["consequence"]]) for s in v["scores"])
              for v in answer["variants"]]
    assert any(served) and served == cli


def test_start_errors_and_clean_stop(tmp_path):
    import signal
    import subprocess
    from serve_helpers import BIN
    make_inputs(str(tmp_path))
    bad = subprocess.run([BIN, "serve", "-m", str(tmp_path / "missing"), "--port", "0"], capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode == 1 and "loading failed" in bad.stderr
    half = subprocess.run([BIN, "serve", "-m", str(tmp_path / "tiny"), "-f", str(tmp_path / "g.fa"), "--port", "0"],
                          capture_output=True, text=True, timeout=60)
    assert half.returncode == 1 and "give -f GENOME and -a ANNOTATION together" in half.stderr
    server = Server(str(tmp_path))
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=20) == 0
    server.log.close()


def test_health_is_503_while_loading(tmp_path):
    """The annotation comes through a named pipe that the test fills later, so loading is held open on purpose."""
    make_inputs(str(tmp_path))
    fifo = tmp_path / "annotation.bed"
    os.mkfifo(fifo)
    import subprocess
    from serve_helpers import ANNOTATION, BIN
    process = subprocess.Popen([BIN, "serve", "-m", str(tmp_path / "tiny"), "-f", str(tmp_path / "g.fa"),
                                "-a", str(fifo), "--format", "bed", "--port", "0", "--access-log", ""],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = process.stdout.readline().strip().split("listening on ")[1].rstrip("/")
        import urllib.error
        import urllib.request
        for path in ("/health", "/info"):
            try:
                urllib.request.urlopen(url + path, timeout=10)
                raise AssertionError(path + " answered 200 while loading")
            except urllib.error.HTTPError as e:
                assert e.code == 503 and e.headers["Retry-After"] == "1"
        with open(fifo, "w") as f:
            f.write(ANNOTATION)
        for _ in range(300):
            try:
                with urllib.request.urlopen(url + "/health", timeout=10) as r:
                    assert r.status == 200
                    break
            except urllib.error.HTTPError:
                time.sleep(0.05)
        else:
            raise AssertionError("never ready")
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_cors_only_when_enabled(env, tmp_path):
    server, _, _ = env
    _, headers, _ = server.request("GET", "/info", headers={"Origin": "http://example.org"})
    assert "Access-Control-Allow-Origin" not in headers
    make_inputs(str(tmp_path))
    cors = Server(str(tmp_path), "--cors-origin", "http://localhost:3000")
    try:
        status, headers, _ = cors.request("OPTIONS", "/v1/embeddings", headers={"Origin": "http://localhost:3000"})
        assert status == 204 and headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
        assert "Authorization" in headers["Access-Control-Allow-Headers"]
    finally:
        cors.stop()


def test_splice_deltas_equal_the_cli_and_name_their_model(env, tmp_path):
    """With --splice-model, /variants gives score-vcf's INFO/SpliceBERT_DS entries and /score score-pairs' deltas
    (the same library run through another door); the effects agree with the entry; without one there are none."""
    import subprocess
    from serve_helpers import BIN, SPLICE_MODEL
    plain, genome, folder = env
    status, answer = plain.json("POST", "/variants", {"variants": f"20:2000 {genome[1999]}>A", "profiles": False})
    assert status == 200 and "splice_deltas" not in answer["variants"][0] and "splice_model" not in answer
    assert plain.json("GET", "/info")[1]["splice_model"] is None

    server = Server(folder, "--splice-model", SPLICE_MODEL, "--distance", "40")
    try:
        info = server.json("GET", "/info")[1]["splice_model"]
        with open(os.path.join(SPLICE_MODEL, "model.safetensors"), "rb") as f:
            assert info == {"model": "splice-site", "weights_sha256": hashlib.sha256(f.read()).hexdigest(),
                            "distance": 40}
        # SNVs near the transcripts' splice sites, a deletion and an insertion (anchor base first).
        records = [(p, genome[p - 1], [b for b in "ACGT" if b != genome[p - 1]][p % 3]) for p in (1999, 2002, 2105, 3601)]
        records += [(2100, genome[2099:2102], genome[2099]), (3598, genome[3597], genome[3597] + "GT")]
        cli = [info.get("SpliceBERT_DS", "").split(",")
               for info in score_vcf_info(folder, records, "deltas", "--splice-model", SPLICE_MODEL, "--distance", "40")]
        status, answer = server.json("POST", "/variants", {"variants": "\n".join(f"20:{p} {r}>{a}" for p, r, a in records),
                                                           "profiles": False})
        assert status == 200, answer
        assert answer["splice_distance"] == 40 and answer["splice_model_sha256"] == info["weights_sha256"]
        served = [[d["spliceai"] for d in v["splice_deltas"]] for v in answer["variants"]]
        assert served == cli and all(cli)
        assert any(d["allele"] == genome[2099] and d["effects"] for d in answer["variants"][4]["splice_deltas"])
        for variant in answer["variants"]:
            for d in variant["splice_deltas"]:
                fields = d["spliceai"].split("|")
                assert fields[0] == d["allele"] and fields[1] == d["symbol"] and len(d["effects"]) == 4
                for kind, effect in enumerate(d["effects"]):  # AG, AL, DG, DL
                    assert effect["direction"] == ("gain" if kind % 2 == 0 else "loss")
                    assert effect["channel"] == ("acceptor" if kind < 2 else "donor")
                    assert effect["position"] == variant["pos"] + int(fields[6 + kind])
                    assert "%.2f" % abs(effect["delta_score"]) == fields[2 + kind]
                    assert effect["delta_score"] == pytest.approx(effect["alternative_score"] - effect["reference_score"])

        ref = genome[1000:1300]
        pairs = [{"id": "snv", "ref": ref, "alt": ref[:150] + ("A" if ref[150] != "A" else "C") + ref[151:], "pos": 150},
                 {"id": "deletion", "ref": ref, "alt": ref[:100] + ref[103:], "pos": 100},
                 {"id": "same", "ref": ref, "alt": ref, "pos": 5}]
        tsv = tmp_path / "pairs.tsv"
        tsv.write_text("id\tref\talt\tpos\n" + "".join(f"{p['id']}\t{p['ref']}\t{p['alt']}\t{p['pos']}\n" for p in pairs))
        subprocess.run([BIN, "score-pairs", "-m", os.path.join(folder, "tiny"), "-i", str(tsv), "-o",
                        str(tmp_path / "pairs.out"), "--deltas-json", str(tmp_path / "deltas.json"), "-q", "-t", "1",
                        "--splice-model", SPLICE_MODEL, "--distance", "40"], check=True, timeout=300)
        with open(tmp_path / "deltas.json") as f:
            expected = [{"status": p["status"], "effects": p["effects"]} for p in json.load(f)["pairs"]]
        status, answer = server.json("POST", "/score", {"pairs": pairs})
        assert status == 200, answer
        assert [r["splice_deltas"] for r in answer["results"]] == expected
        assert [e["status"] for e in expected] == ["scored", "scored", "NO_CHANGE"]
    finally:
        server.stop()
