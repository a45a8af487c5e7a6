"""The per-process hub: one group membership per key, events handed to local listeners."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from channels.layers import InMemoryChannelLayer

from common.hub import LocalHub


class RecordingHub(LocalHub[str]):
    channel_prefix = "test-hub."

    def __init__(self) -> None:
        super().__init__()
        self.layer = InMemoryChannelLayer()
        self.handled: list[tuple[str, list[str]]] = []

    def group(self, key: int) -> str:
        return f"things.{key}"

    async def handle(self, message: dict) -> None:
        if message.get("boom"):
            raise RuntimeError("a bad event")
        self.handled.append((message["text"], sorted(self.listeners.get(message["key"], ()))))


def run(coroutine):
    """``asyncio.run`` in a thread of its own: the Playwright sync API of the browser tests
    leaves an event loop running in the test thread."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


async def _until(condition, timeout: float = 2.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_hub_joins_a_group_for_the_first_listener_and_leaves_with_the_last():
    async def scenario() -> None:
        hub = RecordingHub()
        await hub.add(7, "a")
        await hub.add(7, "b")
        assert set(hub.layer.groups["things.7"]) == {hub.channel}  # once, not per listener

        await hub.layer.group_send("things.7", {"type": "t", "key": 7, "text": "hello"})
        await _until(lambda: hub.handled)
        assert hub.handled == [("hello", ["a", "b"])]

        await hub.remove(7, "a")
        assert "things.7" in hub.layer.groups
        await hub.remove(7, "b")
        assert "things.7" not in hub.layer.groups
        await hub.remove(7, "b")  # a second remove is harmless
        assert hub.listeners == {}

    run(scenario())


def test_a_failing_event_does_not_stop_the_deliveries_after_it():
    async def scenario() -> None:
        hub = RecordingHub()
        await hub.add(1, "a")
        await hub.layer.group_send("things.1", {"type": "t", "boom": True})
        await hub.layer.group_send("things.1", {"type": "t", "key": 1, "text": "still here"})
        await _until(lambda: hub.handled)
        assert hub.handled == [("still here", ["a"])]

    run(scenario())


def test_each_event_loop_has_its_own_hub_of_each_kind():
    class OtherHub(RecordingHub):
        pass

    async def hubs() -> tuple[LocalHub, LocalHub, LocalHub]:
        return RecordingHub.for_this_loop(), RecordingHub.for_this_loop(), OtherHub.for_this_loop()

    first, again, other = run(hubs())
    assert first is again and other is not first and isinstance(other, OtherHub)
    assert run(hubs())[0] is not first  # a new loop (a new process's server) gets its own
