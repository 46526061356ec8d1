"""The shared ask-read-retry loop every judge uses."""

from inspect_ai.model import ChatMessageUser, get_model

import trustbench._registry  # noqa: F401 - registers scripted/
from trustbench.judges.asking import Unreadable, ask_again, ask_until_readable


def read_number(output):
    if not output.completion.isdigit():
        raise Unreadable(f"{output.completion!r} is not a number")
    return int(output.completion)


async def ask(tmp_path, replies, retries):
    script = tmp_path / "replies.yaml"
    script.write_text("".join(f"- {r!r}\n" for r in replies))
    model = get_model("scripted/script", file=str(script))
    return await ask_until_readable(
        model,
        [ChatMessageUser(content="Give a number.")],
        read_number,
        ask_again("Not usable: {problem}. Try again."),
        retries=retries,
    )


async def test_an_unreadable_reply_is_pointed_out_and_asked_again(tmp_path):
    reply = await ask(tmp_path, ["seven", "7"], retries=1)
    assert reply.value == 7 and reply.raws == ["seven", "7"] and reply.error is None


async def test_after_the_retries_the_failure_is_reported_with_every_reply(tmp_path):
    reply = await ask(tmp_path, ["seven", "eight", "9"], retries=1)
    assert reply.value is None
    assert reply.raws == ["seven", "eight"]
    assert reply.error == "'eight' is not a number"
