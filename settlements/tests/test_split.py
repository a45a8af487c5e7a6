"""The split: whole won, equal shares, the remainder carried by the leader, always adding up
to the receipt."""

from hypothesis import given
from hypothesis import strategies as st

from settlements.split import split_total


@given(
    total=st.integers(min_value=1, max_value=300_000_000),
    size=st.integers(min_value=1, max_value=20),
    leader_at=st.integers(min_value=0, max_value=19),
)
def test_shares_add_up_to_the_total_and_only_the_leader_carries_the_remainder(
    total, size, leader_at
):
    members = list(range(100, 100 + size))
    leader = members[leader_at % size]
    shares = split_total(total, members, leader)
    assert sum(shares.values()) == total
    assert set(shares) == set(members)
    others = {amount for user, amount in shares.items() if user != leader}
    assert len(others) <= 1  # everyone but the leader pays the same
    base = total // size
    assert others <= {base}
    assert 0 <= shares[leader] - base < size


def test_a_receipt_of_21990_won_for_four():
    assert split_total(21990, [1, 2, 3, 4], 1) == {1: 5499, 2: 5497, 3: 5497, 4: 5497}
