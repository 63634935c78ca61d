import time


def test_build(every_state, django_assert_max_num_queries):
    w = every_state
    print({k: (p.status, p.vote_count) for k, p in w.proposals.items()})
