import codecs

import pytest

from align.errors import InputError
from align.reading import decode_bytes, read_document

KO = "서울시는 새 다리를 개통했다. 시민들은 환영했다.\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (KO.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + KO.encode("utf-8"), "utf-8-sig"),
        (KO.encode("utf-16"), "utf-16"),
        ((KO * 5).encode("cp949"), "cp949"),
        ((KO * 5).encode("euc-kr"), "cp949"),
    ],
)
def test_decodes_common_encodings(data, encoding):
    text, used = decode_bytes(data, "x.txt")
    assert text.lstrip("\ufeff").startswith("서울시는")
    assert used == encoding


def test_binary_is_rejected_with_file_name():
    with pytest.raises(InputError, match=r"blob\.bin: looks like binary"):
        decode_bytes(bytes(range(256)) * 4, "blob.bin")


def test_empty_whitespace_missing_and_directory(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\t\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"empty\.txt: is empty"):
        read_document(empty)
    with pytest.raises(InputError, match=r"blank\.txt: contains only whitespace"):
        read_document(blank)
    with pytest.raises(InputError, match=r"nope\.txt: no such file"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_document(tmp_path)


def test_normalises_nfc_and_drops_control_characters(tmp_path):
    p = tmp_path / "a.txt"
    # decomposed Hangul (NFD) + a vertical tab + CRLF line ends
    p.write_bytes(
        "한국\u000b어\r\nline".encode("utf-8").replace("한".encode(), "\u1112\u1161\u11ab".encode())
    )
    doc = read_document(p)
    assert doc.text == "한국어\nline"
