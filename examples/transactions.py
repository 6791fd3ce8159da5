"""MULTI/EXEC and optimistic locking with WATCH, through redis-py pipelines.

    make run            # in one terminal
    python examples/transactions.py
"""

from __future__ import annotations

import redis

from _server import HOST, PORT


def transfer(r: redis.Redis, source: str, target: str, amount: int) -> bool:
    def move(pipe: redis.client.Pipeline) -> None:
        balance = int(pipe.get(source) or 0)
        if balance < amount:
            raise ValueError("insufficient funds")
        pipe.multi()
        pipe.decrby(source, amount)
        pipe.incrby(target, amount)

    r.transaction(move, source, target)
    return True


def main() -> None:
    r = redis.Redis(host=HOST, port=PORT, decode_responses=True)
    r.mset({"account:{alice}": 100, "account:{bob}": 0, "account:carol": 0})
    transfer(r, "account:{alice}", "account:{bob}", 30)
    # Keys without a shared hash tag may live on different shards: still atomic.
    transfer(r, "account:{alice}", "account:carol", 20)
    balances = r.mget("account:{alice}", "account:{bob}", "account:carol")
    assert balances == ["50", "30", "20"], balances
    with r.pipeline(transaction=True) as pipe:
        replies = pipe.incr("tx:a").incr("tx:b").execute()
    print("balances:", balances, "pipeline replies:", replies)


if __name__ == "__main__":
    main()
