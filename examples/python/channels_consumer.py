"""A Flowlab Channels push consumer in Python: remote protocol v1 (docs/CHANNELS-PROTOCOL.md).
usage: /usr/bin/python3 channels_consumer.py ENDPOINT CHANNEL [CONSTRAINT] [COUNT] [--server-key Z85]   (needs pyzmq)
Obtains a structured push consumer proxy, attaches a filter with CONSTRAINT (ETCL, e.g.
'$severity > 3'; '' = none), connects, and prints every event the channel pushes as one JSON line
(acknowledging each push), until COUNT events arrived (0 = forever). Then disconnects."""
import json, sys, zmq

args = sys.argv[1:]
server_key = None  # --server-key: the lab's CURVE public key, when its endpoint uses CURVE
if "--server-key" in args:
    i = args.index("--server-key")
    server_key = args[i + 1]
    del args[i:i + 2]
endpoint, channel = args[0], int(args[1])
constraint = args[2] if len(args) > 2 else ""
count = int(args[3]) if len(args) > 3 else 0
sock = zmq.Context().socket(zmq.DEALER)
sock.setsockopt(zmq.LINGER, 0)
if server_key:  # CURVE: the lab's public key, and a key pair of our own
    public, secret = zmq.curve_keypair()
    sock.curve_serverkey, sock.curve_publickey, sock.curve_secretkey = server_key.encode(), public, secret
sock.connect(endpoint)
next_id, received = 0, 0

def handle_push(msg):
    """The lab pushed events to us: print them and ack, so it sends the next ones."""
    global received
    for event in msg["events"]:
        print(json.dumps({"event": event}), flush=True)
        received += 1
    sock.send_json({"v": 1, "op": "ack", "delivery": msg["delivery"]})

def call(op, **body):
    """A request; pushes arriving meanwhile are handled in order."""
    global next_id
    next_id += 1
    sock.send_json({"v": 1, "id": next_id, "op": op, **body})
    while True:
        if not sock.poll(10000):
            sys.exit(f"no answer to {op}")
        msg = sock.recv_json()
        if msg.get("op") == "push":
            handle_push(msg)
        elif msg.get("id") == next_id:
            if not msg.get("ok"):
                sys.exit(f"{op} failed: {msg['error']['code']}: {msg['error']['message']}")
            return msg.get("result")

call("hello", name="py-consumer")
proxy = call("obtain", channel=channel, role="push-consumer", kind="structured")["proxy"]
if constraint:
    call("add_filter", proxy=proxy, constraints=[{"event_types": [], "constraint_expr": constraint}])
call("connect", proxy=proxy)
print(json.dumps({"ready": True, "proxy": proxy}), flush=True)
while count == 0 or received < count:
    if sock.poll(3000):
        msg = sock.recv_json()
        if msg.get("op") == "push":
            handle_push(msg)
        elif msg.get("op") == "disconnected":
            sys.exit("the channel disconnected us")
        elif msg.get("op") == "session_ended":
            sys.exit(f"the lab ended our session: {msg.get('message')}")
    else:
        call("ping")  # tells the lab we are still here
call("disconnect", proxy=proxy)
call("bye")
