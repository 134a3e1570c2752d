"""A Flowlab Channels push supplier in Python: remote protocol v1 (docs/CHANNELS-PROTOCOL.md).
usage: /usr/bin/python3 channels_supplier.py ENDPOINT CHANNEL [COUNT]     (needs pyzmq)
Pushes COUNT structured events Lab/Reading with filterable data `severity` 1..5 (cycling) and `n`,
then says bye. Prints the proxy it used, then one line per accepted event."""
import json, sys, zmq

endpoint, channel = sys.argv[1], int(sys.argv[2])
count = int(sys.argv[3]) if len(sys.argv) > 3 else 10
sock = zmq.Context().socket(zmq.DEALER)
sock.setsockopt(zmq.LINGER, 0)
sock.connect(endpoint)
next_id = 0

def call(op, **body):
    """One request and its reply; notices the lab sends meanwhile (e.g. "disconnected") are skipped."""
    global next_id
    next_id += 1
    sock.send_json({"v": 1, "id": next_id, "op": op, **body})
    while True:
        if not sock.poll(10000):
            sys.exit(f"no answer to {op}")
        reply = sock.recv_json()
        if reply.get("id") != next_id:
            continue
        if not reply.get("ok"):
            sys.exit(f"{op} failed: {reply['error']['code']}: {reply['error']['message']}")
        return reply.get("result")

call("hello", name="py-supplier")
proxy = call("obtain", channel=channel, role="push-supplier", kind="structured")["proxy"]
call("connect", proxy=proxy)
print(json.dumps({"proxy": proxy}), flush=True)
for n in range(1, count + 1):
    event = {
        "header": {
            "fixed_header": {"event_type": {"domain_name": "Lab", "type_name": "Reading"}, "event_name": f"py-{n}"},
            "variable_header": [{"name": "Priority", "value": 0}],
        },
        "filterable_data": [{"name": "severity", "value": (n - 1) % 5 + 1}, {"name": "n", "value": n}],
        "remainder_of_body": {"from": "python"},
    }
    print(json.dumps({"pushed": n, "accepted": call("push", proxy=proxy, events=[event])["accepted"]}), flush=True)
call("disconnect", proxy=proxy)
call("bye")
