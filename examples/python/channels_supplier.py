"""A Flowlab Channels push supplier in Python: remote protocol v1 (docs/CHANNELS-PROTOCOL.md).
usage: /usr/bin/python3 channels_supplier.py ENDPOINT CHANNEL [COUNT] [--server-key Z85]   (needs pyzmq)
Pushes COUNT structured events Lab/Reading with filterable data `severity` 1..5 (cycling) and `n`,
then says bye. Prints the proxy it used, then one line per accepted event."""
import json, sys, zmq

args = sys.argv[1:]
server_key = None  # --server-key: the lab's CURVE public key, when its endpoint uses CURVE
if "--server-key" in args:
    i = args.index("--server-key")
    server_key = args[i + 1]
    del args[i:i + 2]
endpoint, channel = args[0], int(args[1])
count = int(args[2]) if len(args) > 2 else 10
sock = zmq.Context().socket(zmq.DEALER)
sock.setsockopt(zmq.LINGER, 0)
if server_key:  # CURVE: the lab's public key, and a key pair of our own
    public, secret = zmq.curve_keypair()
    sock.curve_serverkey, sock.curve_publickey, sock.curve_secretkey = server_key.encode(), public, secret
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
