"""``RedisStore("redis://host/0?prefix=a")``: nearcache's own URL parameters are read by
``open_store``; the class handed them to redis-py, and the first call raised "TypeError:
AbstractConnection.__init__() got an unexpected keyword argument 'prefix'"."""

from __future__ import annotations

import pytest

from nearcache import InvalidInputError

pytest.importorskip("redis")


def test_nearcache_url_parameters_given_to_the_class_name_the_keyword() -> None:
    from nearcache.stores.redis import RedisStore

    with pytest.raises(InvalidInputError) as info:
        RedisStore("redis://:s3cret@127.0.0.1:1/0?prefix=team-a")
    text = str(info.value)
    assert "read by open_store(url)" in text and "RedisStore(url, prefix=...)" in text, text
    assert "s3cret" not in text
    RedisStore("redis://127.0.0.1:1/0?health_check_interval=5").close()  # redis-py's own
