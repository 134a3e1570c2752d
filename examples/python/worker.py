"""A Flowlab Dispatch worker in Python: wire protocol v1 (docs/PROTOCOL.md), the seed's worker.
usage: /usr/bin/python3 worker.py ENDPOINT REDIS_URL [WORKER_ID]   (needs pyzmq and redis-py)"""
import json, os, sys, time, zmq, redis
endpoint, url = sys.argv[1], sys.argv[2]
me = sys.argv[3] if len(sys.argv) > 3 else f"py-{os.getpid()}"
r = redis.Redis.from_url(url)
here = os.path.dirname(os.path.abspath(__file__))
mark_and_apply = r.register_script(open(os.path.join(here, "../../src/main/engine/dispatch/lua/markAndApply-2.lua")).read())
sock = zmq.Context().socket(zmq.REP)
sock.connect(endpoint)
while True:
    frames = sock.recv_multipart()
    try:
        h, w = json.loads(frames[0]), json.loads(frames[1])
        assert len(frames) == 2 and h["v"] == 1
    except Exception as e:
        sock.send_json({"v": 1, "epoch": -1, "worker": me, "status": "failed", "error": repr(e)}); continue
    p, e, mode, status = f"flowlab:{h['lab']}:", h["epoch"], h["semantics"], "done"
    if mode == "exactly-once-atomic":  # work, then mark + effect in one atomic step
        time.sleep(w.get("ms", 0) / 1000)
        status = "done" if mark_and_apply(keys=[f"{p}done:{e}", p + "effects"], args=[me, w.get("ttlMs", 3600000), e]) else "duplicate"
    elif mode == "exactly-once-naive" and r.exists(f"{p}done:{e}"):  # the seed: check ...
        status = "duplicate"
    else:
        time.sleep(w.get("ms", 0) / 1000)
        r.hincrby(p + "effects", e, 1)  # ... work (its one observable effect) ...
        if mode == "exactly-once-naive": r.set(f"{p}done:{e}", me, px=w.get("ttlMs", 3600000))  # ... mark
    sock.send_json({"v": 1, "epoch": e, "worker": me, "status": status})
