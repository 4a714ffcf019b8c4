"""botocore's adaptive retry mode against Security Hub's quota, on a simulated clock.

Drives botocore's own classes (`botocore.retries.adaptive.ClientRateLimiter` with its
`RateClocker`, `bucket.TokenBucket`, `throttling.CubicCalculator` and the standard
`ThrottlingErrorDetector`) with a fake clock against a server token bucket of 10 req/s, burst 30
(the BatchUpdateFindings quota, full at start). The client offers 50 req/s (a request becomes ready
every 20 ms and waits for the limiter, as a blocked `acquire()` would); each request reaches the
server 1-200 ms after it leaves (uniform, seeded) and its answer comes back 1-200 ms later; a
throttled request is answered 429 `TooManyRequestsException`. Optionally a second client sends
3 req/s into the same bucket for the first OTHER_SECONDS.

Prints, after the burst (the first 5 s), the client's sending rate, its successful rate and the
share of its requests that were throttled, the same model as triage's QuotaSimulation test.

    python3 jobs/sim/botocore_adaptive.py [--seconds 120] [--other-seconds 0] [--seed 1] [--max-latency 200]
"""

import argparse
import heapq
import math
import random

from botocore.retries import adaptive, bucket, standard, throttling

BURST_SECONDS = 5.0


class FakeClock(bucket.Clock):
    """botocore's Clock on simulated time (seconds); sleep is never called (acquire never blocks)."""

    def __init__(self):
        super().__init__()
        self.now = 0.0

    def sleep(self, amount):
        raise AssertionError("the simulation never blocks")

    def current_time(self):
        return self.now


class ServerBucket:
    """The service's token bucket: full at start, continuous refill (as triage's TokenBucket)."""

    def __init__(self, rate, burst):
        self.rate, self.burst, self.tokens, self.updated = rate, burst, float(burst), 0

    def take(self, now_ms):
        if now_ms > self.updated:
            self.tokens = min(self.burst, self.tokens + (now_ms - self.updated) / 1000 * self.rate)
            self.updated = now_ms
        if self.tokens >= 1 - 1e-9:
            self.tokens -= 1
            return True
        return False


class BotocoreLimiter:
    """The wiring of `adaptive.register_retry_handler`, with the fake clock."""

    def __init__(self, clock):
        self.clock = clock
        rate_adjustor = throttling.CubicCalculator(starting_max_rate=0, start_time=clock.current_time())
        self.token_bucket = bucket.TokenBucket(max_rate=1, clock=clock)
        self.limiter = adaptive.ClientRateLimiter(
            rate_adjustor=rate_adjustor,
            rate_clocker=adaptive.RateClocker(clock),
            token_bucket=self.token_bucket,
            throttling_detector=standard.ThrottlingErrorDetector(retry_event_adapter=standard.RetryEventAdapter()),
            clock=clock,
        )

    def try_send(self, now_ms):
        """0 when the request may go now (a token taken), else the ms to wait."""
        self.clock.now = now_ms / 1000
        if not self.limiter._enabled:  # before the first throttle `on_sending_request` does nothing
            return 0
        try:
            self.token_bucket.acquire(block=False)
            return 0
        except Exception:  # CapacityNotAvailableError
            missing = 1 - self.token_bucket.available_capacity
            return max(1, math.ceil(missing / self.token_bucket.max_rate * 1000))

    def on_response(self, now_ms, throttled):
        self.clock.now = now_ms / 1000
        if throttled:
            parsed = {"Error": {"Code": "TooManyRequestsException", "Message": "Too Many Requests"}}
            response = (_HTTPResponse(429), parsed)
        else:
            response = (_HTTPResponse(200), {})
        self.limiter.on_receiving_response(
            response=response, attempts=1, operation=None, caught_exception=None, request_dict={"context": {}}
        )

    def rate(self):
        return self.token_bucket.max_rate if self.limiter._enabled else float("inf")


class _HTTPResponse:
    def __init__(self, status):
        self.status_code = status
        self.headers = {}


def simulate(limiter, seconds, other_seconds, seed, offered=50.0, max_latency=200):
    """Runs the model; returns the client's requests as (sent_ms, arrived_ms, throttled)."""
    rng = random.Random(seed)
    server = ServerBucket(10, 30)
    end = int(seconds * 1000)
    events = []  # (time_ms, order, kind, payload)
    order = 0

    def push(time, kind, payload=None):
        nonlocal order
        order += 1
        heapq.heappush(events, (time, order, kind, payload))

    interval = 1000 / offered
    for i in range(int(seconds * offered)):
        push(int(i * interval), "ready")
    for i in range(int(other_seconds * 3)):
        push(int(i * 1000 / 3), "other")
    queue = 0  # ready requests waiting for the limiter
    retry_at = None
    requests = []
    while events:
        now, _, kind, payload = heapq.heappop(events)
        if now >= end:
            break
        if kind == "ready":
            queue += 1
        elif kind == "other":
            push(now + rng.randint(1, max_latency), "other-arrive")
        elif kind == "other-arrive":
            server.take(now)
        elif kind == "arrive":
            throttled = not server.take(now)
            requests[payload][1:] = [now, throttled]
            push(now + rng.randint(1, max_latency), "respond", payload)
            continue
        elif kind == "respond":
            limiter.on_response(now, requests[payload][2])
            retry_at = None  # a new rate: botocore's setter notifies the blocked acquire()
        elif kind == "wake":
            if retry_at != now:
                continue
            retry_at = None
        while queue > 0 and retry_at is None:
            wait = limiter.try_send(now)
            if wait > 0:
                retry_at = now + wait
                push(retry_at, "wake")
                break
            queue -= 1
            requests.append([now, None, False])
            push(now + rng.randint(1, max_latency), "arrive", len(requests) - 1)
    return requests


def figures(requests, start_s, end_s):
    """(sent/s, successful/s, throttled share) of the requests sent in [start_s, end_s)."""
    chosen = [r for r in requests if start_s * 1000 <= r[0] < end_s * 1000 and r[1] is not None]
    span = end_s - start_s
    throttled = sum(1 for r in chosen if r[2])
    return len(chosen) / span, (len(chosen) - throttled) / span, throttled / max(1, len(chosen))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--other-seconds", type=float, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-latency", type=int, default=200, help="ms, each way (1 = no latency)")
    args = parser.parse_args()
    clock = FakeClock()
    requests = simulate(BotocoreLimiter(clock), args.seconds, args.other_seconds, args.seed, max_latency=args.max_latency)
    phases = [("alone", BURST_SECONDS, args.seconds)]
    if args.other_seconds > 0:
        phases = [("shared", BURST_SECONDS, min(args.seconds, args.other_seconds))]
        if args.seconds > args.other_seconds:
            phases.append(("after", args.other_seconds, args.seconds))
    for name, start, end in phases:
        sent, ok, share = figures(requests, start, end)
        print(
            f"botocore adaptive {name} {start:g}-{end:g}s: sent {sent:.2f} req/s, successful {ok:.2f} req/s, "
            f"throttled {share * 100:.1f}% of requests"
        )


if __name__ == "__main__":
    main()
