"""Print how a trained model's own tokenizer splits words (run in a fresh process).

Used by tests to prove the model carries and loads our jieba dictionary: a fresh
interpreter has only jieba's default dictionary until the model loads ours.
"""
import json
import sys

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT


def main(model: str, texts: list) -> None:
    agent = Agent.load(model)
    runner = agent.processor.graph_runner
    node = next(n for n in runner._graph_schema.nodes if "Tokenizer" in n and n.startswith("run_"))
    result = {}
    for text in texts:
        messages = runner.run(inputs={"__message__": [UserMessage(text)]}, targets=[node])[node]
        result[text] = [t.text for t in messages[0].get(TOKENS_NAMES[TEXT])]
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
