"""Per-process batching of chat SENDs: while one batch is being stored, the next one gathers.

Each server process (each event loop) has one writer task. Consumers submit a draft and await
its own result; the writer takes everything queued so far (up to ``MAX_BATCH``), stores it
with ``chat_messages_send`` in a worker thread, and settles each submitter's future. Idle, a
message is stored alone at once; under load, batches grow and the database round trips per
message shrink.
"""

import asyncio
import logging

from channels.db import database_sync_to_async

from chat.models import ChatMessage
from chat.services import MessageDraft, chat_messages_send
from common.logs import detached_context

logger = logging.getLogger(__name__)

MAX_BATCH = 200

# One queue and one writer task per event loop (a server process has one loop).
_queues: dict[asyncio.AbstractEventLoop, tuple[asyncio.Queue, asyncio.Task]] = {}
_store_batch = database_sync_to_async(chat_messages_send, thread_sensitive=False)


async def submit(draft: MessageDraft) -> ChatMessage:
    """Store ``draft`` (with whatever else is waiting); raise its DomainError if refused."""
    loop = asyncio.get_running_loop()
    if loop not in _queues:
        queue: asyncio.Queue = asyncio.Queue()
        # The process's writer, not the sending session's: started without its log context.
        _queues[loop] = (queue, loop.create_task(_writer(queue), context=detached_context()))
    queue = _queues[loop][0]
    future = loop.create_future()
    await queue.put((draft, future))
    return await future


async def _writer(queue: asyncio.Queue) -> None:
    while True:
        batch = [await queue.get()]
        while len(batch) < MAX_BATCH and not queue.empty():
            batch.append(queue.get_nowait())
        try:
            results = await _store_batch(drafts=[draft for draft, _ in batch])
        except Exception as error:  # the database failed the whole batch
            logger.exception("storing %d chat messages failed", len(batch))
            results = [error] * len(batch)
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():  # the submitter went away
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)
