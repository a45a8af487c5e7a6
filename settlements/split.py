"""Splitting a receipt: equal shares in whole won among the members (leader included), the
remainder of the division carried by the leader, so the shares add up to the total exactly."""


def split_total(total: int, member_ids: list[int], leader_id: int) -> dict[int, int]:
    """``{user id: amount}`` for every member; ``leader_id`` must be one of them."""
    if total <= 0 or leader_id not in member_ids:
        raise ValueError("a positive total among members that include the leader")
    share, remainder = divmod(total, len(member_ids))
    amounts = dict.fromkeys(member_ids, share)
    amounts[leader_id] += remainder
    return amounts
