"""Hugging Face tokenizer.json files for the project's two toy token models, written by hand in the format of the
Hugging Face `tokenizers` library (what DJL's ai.djl.huggingface:tokenizers reads), so `ibex explain --text` can
serve them:

  clip/tokenizer.json  the toy CLIP's simple tokenizer (parity/clip, vocabulary 64): lower-case, split on
                       whitespace and punctuation, one id per word (WordLevel); <|startoftext|> = 0 before and
                       <|endoftext|> = 63 after every text (the highest id: the text tower pools there, as CLIP's);
                       <|unk|> = 62 for any other word. At most 6 words: the tower has 8 positions.
  text/tokenizer.json  the text classifier's (parity/text, vocabulary 40): BERT-like WordPiece with [PAD] = 0,
                       [CLS] = 1, [SEP] = 2, [UNK] = 3 and word pieces (##s, ##ing, ##ly, ...).
usage: /usr/bin/python3 make_tokenizers.py PARITY_DIR"""
import json, os, sys

root = sys.argv[1]

CLIP_WORDS = ("a an the photo picture drawing painting of on in with and dog dogs cat cats bird birds car cars tree "
              "trees house boat horse fish flower man woman child red green blue black white small big old young "
              "running sitting sleeping flying park street beach snow grass water sky field room table road city "
              "night day sun moon rain hat").split()
TEXT_WORDS = ("good bad great fine awful movie film story act play actor plot fun bor love hate very not quite slow "
              "dull bright ##s ##ing ##ly ##ed ##er was is it this a the and so too").split()


def token(i, content):
    return dict(id=i, content=content, single_word=False, lstrip=False, rstrip=False, normalized=False, special=True)


def template(first, last, first_id, last_id):
    return dict(type="TemplateProcessing",
                single=[{"SpecialToken": {"id": first, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                        {"SpecialToken": {"id": last, "type_id": 0}}],
                pair=[{"SpecialToken": {"id": first, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                      {"SpecialToken": {"id": last, "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                      {"SpecialToken": {"id": last, "type_id": 1}}],
                special_tokens={first: dict(id=first, ids=[first_id], tokens=[first]),
                                last: dict(id=last, ids=[last_id], tokens=[last])})


assert len(CLIP_WORDS) == 61, len(CLIP_WORDS)
vocab = {"<|startoftext|>": 0, **{w: i + 1 for i, w in enumerate(CLIP_WORDS)}, "<|unk|>": 62, "<|endoftext|>": 63}
clip = dict(version="1.0", truncation=dict(direction="Right", max_length=8, strategy="LongestFirst", stride=0),
            padding=None,
            added_tokens=[token(0, "<|startoftext|>"), token(62, "<|unk|>"), token(63, "<|endoftext|>")],
            normalizer={"type": "Lowercase"}, pre_tokenizer={"type": "Whitespace"},
            post_processor=template("<|startoftext|>", "<|endoftext|>", 0, 63),
            decoder=None, model=dict(type="WordLevel", vocab=vocab, unk_token="<|unk|>"))
json.dump(clip, open(os.path.join(root, "clip", "tokenizer.json"), "w"), indent=1)

assert len(TEXT_WORDS) == 36, len(TEXT_WORDS)
vocab = {"[PAD]": 0, "[CLS]": 1, "[SEP]": 2, "[UNK]": 3, **{w: i + 4 for i, w in enumerate(TEXT_WORDS)}}
text = dict(version="1.0", truncation=dict(direction="Right", max_length=10, strategy="LongestFirst", stride=0),
            padding=None,
            added_tokens=[token(0, "[PAD]"), token(1, "[CLS]"), token(2, "[SEP]"), token(3, "[UNK]")],
            normalizer={"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                        "strip_accents": None, "lowercase": True},
            pre_tokenizer={"type": "BertPreTokenizer"}, post_processor=template("[CLS]", "[SEP]", 1, 2),
            decoder={"type": "WordPiece", "prefix": "##", "cleanup": True},
            model=dict(type="WordPiece", unk_token="[UNK]", continuing_subword_prefix="##",
                       max_input_chars_per_word=100, vocab=vocab))
json.dump(text, open(os.path.join(root, "text", "tokenizer.json"), "w"), indent=1)
print("ok")
