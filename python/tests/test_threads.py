"""The GIL is released during compute: while one thread is inside a long library call, another thread keeps
running Python code, and two threads sharing one model both make progress with the single-thread results."""

from __future__ import annotations

import threading

import numpy as np

import splicebert


def test_python_runs_while_another_thread_computes(default_model):
    extractor = splicebert.pipeline("feature-extraction", model=default_model, threads=1)
    long_text = "ACGUUAGCGAUCGAUCGGAUCUAGCUAGCAUCG" * 600  # ~20 kb: many windows, one library call
    state = {"started": False, "done": False}

    def worker():
        state["started"] = True
        extractor(long_text)
        state["done"] = True

    thread = threading.Thread(target=worker)
    thread.start()
    while not state["started"]:
        pass
    ticks_during_call = 0
    while not state["done"]:  # with the GIL held by the worker this loop could not run until the call returned
        ticks_during_call += 1
    thread.join()
    assert ticks_during_call > 1000


def test_two_threads_share_one_model_and_both_progress(default_model):
    model = splicebert.SpliceBertForMaskedLM.from_pretrained(default_model, threads=1)
    tokenizer = splicebert.RnaTokenizer.from_pretrained(default_model)
    texts = ["ACGU" * 100, "UAGCUUAUCAGACUGAUGUUGA" * 20]
    batches = [tokenizer(t, return_tensors="np") for t in texts]
    expected = [model(**b).logits for b in batches]
    calls = 6
    progress = [[], []]  # per thread: how many calls the OTHER thread had finished when this one finished each
    results = [[], []]

    def worker(index):
        for _ in range(calls):
            results[index].append(model(**batches[index]).logits)
            progress[index].append(len(results[1 - index]))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for index in range(2):
        assert len(results[index]) == calls
        for got in results[index]:
            assert np.array_equal(got, expected[index])  # sessions are never shared between threads
    # Interleaved: each thread finished some calls while the other was still running (not one after the other).
    assert any(0 < seen < calls for seen in progress[0] + progress[1])


def test_threads_setting_is_per_model(default_model):
    one = splicebert.SpliceBertModel.from_pretrained(default_model, threads=1)
    two = splicebert.SpliceBertModel.from_pretrained(default_model, threads=2)
    assert (one.threads, two.threads) == (1, 2)
    ids = np.array([[1] + [6, 7, 8, 9] * 30 + [2]])
    assert np.allclose(one(input_ids=ids).last_hidden_state, two(input_ids=ids).last_hidden_state, atol=1e-5)
    one.threads = 2
    assert one.threads == 2
