"""Pass 3 of extraction: drop lines that are only boilerplate ("Baca juga: …", "Advertisement",
"Simak Video …", "[Gambas:Video 20detik]", credits, date stamps, section labels), promotion lines, the
page's own record (tags, categories, a post's record, the publisher's imprint), inline markers, and a
site's name after the headline."""

from __future__ import annotations

import re
from collections import Counter

from .charset import repair

_DAY = r"(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DATE_STAMP = re.compile(
    rf"^(?:{_DAY},?\s*)?\d{{1,2}}[\s/.-]+(?:\d{{1,2}}|[a-z]{{3,9}})[\s/.,-]+\d{{2,4}}(?:\s*[|,-]?\s*\d{{1,2}}[:.]\d{{2}}(?::\d{{2}})?)?"
    r"\s*(?:wib|wita|wit|gmt\+?\d*)?$"
    r"|^\d{4}-\d\d-\d\d(?:[t ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:z|[+-]\d\d:?\d\d)?)?$",
    re.IGNORECASE,
)
# A line that is *only* boilerplate (checked on the stripped line, case-insensitively).
_BOILERPLATE_LINE = re.compile(
    r"""^(?:
        advertisement|advertisment|iklan|scroll\ to\ (?:continue|resume)(?:\ with\ content)?
      | (?:baca|lihat|simak)\ (?:juga|pula)\b.*               # "Baca juga: …", "Lihat juga Video …"
      | simak\ (?:video|juga|selengkapnya|berita)\b.*
      | \[gambas:[^\]]*\]\s*
      | (?:video|foto)\s*:.*\b(?:20detik|detik)\b.*
      | tulis\ komentarmu\b.* | .*\#jernihberkomentar.*
      | (?:tell\ us\ what\ you\ think|leave\ a\ (?:comment|reply)|post\ (?:a\ )?comment|add\ a\ comment
        |tulis\ komentar|berikan\ komentar|kirim\ komentar)\W{0,20}                # comment prompts
      | syarat\ (?:&|dan)\ ketentuan.*
      | (?:data\ dirimu|segera\ lengkapi\ data).*
      | (?:dapatkan|ikuti)\ (?:update|berita|informasi)\b.*(?:google\ news|whatsapp|telegram|channel).*
      | (?:editor|penulis|reporter|pewarta|sumber|redaktur|redaksi|fotografer|kontributor|foto|image|dok
        |source|fonte|fuente)
        \s*:\s*\S.{0,80}                                       # credits: "Editor : …", "Fotografer: …"
      | [\w.]{2,20}\s*/\s*©?\s*[\w.]{1,25}(?:\s+[\w.]{1,25}){0,3}(?:\s*/.{0,40})?  # credits "Republika/ Wihdan H."
      | .{0,60}(?:\[at\]|@[a-z0-9-]+\.[a-z.]{2,}).{0,40}               # "Redaksi: redaksi[at]…", contact lines
      | disclaimer\b.*
      | \(?(?:additional\ )?reporting\ by\b.{0,250}                # wire credits "Reporting by …; Editing by …"
      | .{0,200}\bcontributed\ (?:to\ this\ report|reporting)\b.{0,60}
      | you\ (?:may|might)\ also\ like\W* | (?:more|lainnya)\s*:
      | .{0,25}\b(?:terkait|lainnya|terbaru|terpopuler|populer|popular|pilihan|rekomendasi|recommendation|index)
        \b\W{0,3}(?:index)?\W{0,3}                             # section labels "BERITA TERKAIT", "Popular"
      | (?:load|show|lihat)\ (?:more|selengkapnya|semua)\W*
      | (?:informasi\ )?pemasangan\ iklan.* | (?:foto|video)\w{0,12}
      | \(?(?:[a-z]{2,5}/){1,3}[a-z]{2,5}\)?                   # "(ant/nrm)", "(rdn/rdn)" desk codes
      | copyright\b.* | ©.*
      | halaman\ (?:selanjutnya|berikutnya)\b.* | next\ page\b.*
      | (?:share|bagikan)(?:\ (?:ke|on))?\s*:?.{0,40}
      | (?:we'?ve\ detected|you\ are\ using|your\ browser|please\ (?:update|upgrade|enable)  # notices to the browser
        |an\ error\ (?:has\ )?occurred|javascript\ is\ (?:disabled|required)
        |this\ (?:copy|content)\ is\ for\ your\ personal|terjadi\ kesalahan).{0,240}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Promotion lines of 2023–26 layouts, by family rather than by outlet: a short line that calls the
# reader ("Cek berita … di Google News", "Ikuti WhatsApp channel …", "Simak breaking news …", "Yuk
# bagikan …") to a channel, an app or a share button.
_PROMO_CALL = re.compile(
    r"\b(?:cek\s+(?:berita|artikel|info\w*|update|kabar)|ikuti|follow|gabung|bergabung|join|klik|simak|dapatkan|download|unduh|"
    r"langganan|berlangganan|subscribe|sign\s+up|baca\s+berita|sebarkan|bagikan|share)\b",
    re.IGNORECASE,
)
_PROMO_CHANNEL = re.compile(
    r"google\s*news|whats\s*app|\bwa\s+channel|telegram|saluran|\bchannel\b|kanal\s+\w+|"
    r"\baplikasi\b|\bapp\b|play\s*store|app\s*store|instagram|tiktok|youtube|line\s*today|newsletters?\b|"
    r"media\s+sosial|medsos|facebook|twitter|\bx\.com",
    re.IGNORECASE,
)
_PROMO_WHAT = re.compile(r"berita|artikel|informasi|info\b|update|news|konten|terkini|terbaru|breaking", re.IGNORECASE)
_PROMO_START = re.compile(
    r"^(?:simak\s+breaking\s+news|(?:yuk|ayo),?\s+(?:bagikan|share|sebarkan)|bagikan\s+(?:artikel|berita)\s+ini"
    r"|baca\s+berita\s+(?:dengan|tanpa)\s+(?:sedikit\s+)?iklan"  # "Baca berita dengan sedikit iklan, klik di sini"
    r"|artikel\s+ini\s+(?:telah|sudah)\s+(?:tayang|terbit|dimuat|diterbitkan)\s+di"  # syndication notices
    r"|\W*pastikan\s+(?:kamu|anda)\s+sudah\s+(?:meng)?(?:install|instal|unduh|pasang)"  # app-install prompts
    r"|breaking\s+news\W*$"  # what is left of a promotion whose links broke it into lines
    r")\b",
    re.IGNORECASE,
)
# A line that carries a news-channel link or picks a channel ("Pilih saluran andalanmu …").
_PROMO_ANYWHERE = re.compile(
    r"whatsapp\.com/channel|\bt\.me/|news\.google\.com|pilih\s+saluran\s+andalan", re.IGNORECASE
)


_CLICK_HERE = re.compile(r"\b(?:click|tap)\s+here\b|\bklik\s+(?:di\s+)?sini\b", re.IGNORECASE)


def is_promo(line: str) -> bool:
    """A promotion line: it calls the reader to a news channel, an app or a share button."""
    if _PROMO_START.match(line) or (len(line.split()) <= 45 and _PROMO_ANYWHERE.search(line)):
        return True
    if len(line.split()) > 45:
        return False
    if _CLICK_HERE.search(line):
        return True
    if _PROMO_CHANNEL.search(line) and any(_promo_sentence(s) for s in re.split(r"(?<=[.!?])\s+", line)[1:]):
        return True  # a short line that ends in a call ("… Sign up for the free daily newsletter.")
    return _promo_sentence(line)


def _promo_sentence(line: str) -> bool:
    call = _PROMO_CALL.search(line)
    if call is None or not _PROMO_CHANNEL.search(line):
        return False
    lead = len(line[: call.start()].split())  # the call opens the line ("Jangan lupa ikuti …")
    # "Ikuti kami di Instagram", "Follow … on Facebook and Twitter": the call first, to a channel;
    # after a few words, only when it names what it sends (news, updates)
    return (lead == 0 and len(line.split()) <= 30) or (lead <= 3 and bool(_PROMO_WHAT.search(line)))


# The page's own record, not the story: a label line ("Tags: …", "Kategori: …"), a post's record
# ("05/10/2018 - Posted by: … - Category: … - Tags: …"), the publisher's imprint (a company or tax
# number, a phone line: "CNPJ: … - Rua …", "Telp. (021) …") — in any language the labels are read in.
_LABEL_LINE = re.compile(
    r"^(?:tags?|tagged|tagar|kata\s+kunci|topik|kategori|categor(?:y|ies|ia|ie)|filed\s+under|etiquetas?)\s*:.{0,200}$",
    re.IGNORECASE,
)
_POST_RECORD = re.compile(
    r"(?:posted|published|written|filed)\s+(?:by|in)|publicado\s+por|(?:diterbitkan|ditulis|diunggah)\s+oleh",
    re.IGNORECASE,
)
_RECORD_LABEL = re.compile(r"\b(?:tags?|kategori|categor(?:y|ia|ie)|etiquetas?)\s*:", re.IGNORECASE)
_IMPRINT = re.compile(
    r"\b(?:cnpj|cpf|npwp|siup|vat|ust-?id|p\.?\s?iva|nif|abn)\b\W{0,3}[\d.\-/ ]{6,}"
    r"|\b(?:tel|telp|telepon|phone|fone|fax|faks|hotline)\b\.?\s*:?\s*\(?\+?\d[\d\s().\-]{6,}\d",
    re.IGNORECASE,
)


_MONTH = (
    r"(?:jan(?:uary|uari)?|feb(?:ruary|ruari)?|mar(?:ch|et)?|apr(?:il)?|may|mei|june?|juni|july?|juli|aug(?:ust)?"
    r"|agu(?:stus)?|sept?(?:ember)?|oct(?:ober)?|okt(?:ober)?|nov(?:ember)?|dec(?:ember)?|des(?:ember)?)"
)
_MONTH_FIRST = re.compile(  # "October 12, 2017", "Tue., Nov. 19, 2019, at 11:29 a.m.", "November 20"
    rf"^(?:{_DAY[:-1]}|[a-z]{{3}}\.?),?\s*)?{_MONTH}\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?"
    r"(?:,?\s*(?:at\s*)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[a-z]{2,4})?)?$",
    re.IGNORECASE,
)
_STAMP_LABEL = re.compile(
    r"^(?:[-–·|]\s*)?(?:(?:last\s+)?updated|first\s+published|published|posted|diperbarui|diperbaharui|dipublikasikan"
    r"|diterbitkan|terbit|atualizado|publicado)\s*(?:on|at|pada|em)?\s*:?\s*",
    re.IGNORECASE,
)
_READING_TIME = re.compile(
    r"^(?:.{0,40}·\s*)?\d+\s*(?:min(?:ute)?s?|menit)\s+(?:read|baca)$"
    r"|^(?:tempo\s+de\s+leitura|reading\s+time|waktu\s+baca(?:an)?|lama\s+baca)\s*:?\s*\d+\s*(?:min\w*|menit)$",
    re.IGNORECASE,
)
_COMMENT_RULES = re.compile(  # a comment box's rules: "Comments … will not be approved by the moderator"
    r"(?:comentários|comments?|komentar)\b.{0,160}(?:moderat|aprovad|approved|tanggung\s+jawab|responsib)",
    re.IGNORECASE,
)


def is_stamp(line: str) -> bool:
    """A date or time alone, perhaps labelled ("Updated at 1:23 p.m.", "October 12, 2017"), or a reading time."""
    if len(line.split()) > 12:
        return False
    bare = line.strip(" -–·|")
    label = _STAMP_LABEL.match(bare)
    rest = bare[label.end() :] if label else bare
    if label and re.fullmatch(r"\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?|wib|wita|wit)?\.?", rest, re.IGNORECASE):
        return True
    return bool(_DATE_STAMP.match(rest) or _MONTH_FIRST.match(rest) or _READING_TIME.match(bare))


def _keyword_list(line: str) -> bool:
    """A page's keywords run together ("stock car 2018, stock car brasil, stock car interlagos, …"): six or
    more short comma-separated parts, half of them opening with the same word, and no sentence's stop."""
    parts = [p.strip() for p in line.split(",")]
    if len(parts) < 6 or any(len(p.split()) > 6 for p in parts) or re.search(r"[.!?:()]", line):
        return False
    first = Counter(p.split()[0].lower() for p in parts if p and p.split()[0].isalpha())
    return bool(first) and first.most_common(1)[0][1] >= len(parts) / 2


def is_record(line: str) -> bool:
    """A line of the page's own record (labels, the post's record, the publisher's imprint, a comment box's
    rules, its keywords, a date alone), not the story."""
    n = len(line.split())
    if n > 60:
        return False
    if n <= 12 and (is_stamp(line) or re.fullmatch(r"(?:By|Oleh)\s+(?:[A-Z][\w.'’-]*\s*){1,4}", line)):
        return True  # a date alone; a byline alone ("By Phil Helsel")
    if ":" in line and (_LABEL_LINE.match(line) or (_POST_RECORD.search(line) and _RECORD_LABEL.search(line))):
        return True
    if line.count(",") >= 5 and _keyword_list(line):
        return True
    if n <= 45 and _COMMENT_RULES.search(line):
        return True
    return bool(_IMPRINT.search(line))


_INLINE_NOISE = re.compile(
    r"\[gambas:[^\]]*\]|\bADVERTISEMENT\b|\bSCROLL TO (?:CONTINUE|RESUME) WITH CONTENT\b"
    r"|\((?:baca|lihat|simak) (?:juga|pula)\b[^()]{0,200}\)"  # "(Baca juga: …)" in a paragraph
    r"|\b(?:baca|lihat|simak) (?:juga|pula)\s*:\s*(?=[,.;]|$)",  # a dangling "Baca Juga:"
    re.IGNORECASE,
)
_TITLE_SUFFIX = re.compile(r"\s+(?:[-|–—:]|::)\s+[^-|–—]{2,60}$")


def clean_text(text: str) -> str:
    """Repair mojibake; drop boilerplate lines, promotion lines and inline markers; collapse blank runs."""
    out: list[str] = []
    for raw in repair(text).splitlines():
        line = re.sub(r"[ \t]{2,}", " ", _INLINE_NOISE.sub("", raw)).strip()
        bare = re.sub(r"\s*\|\s*(?::\s*\|?)?\s*", " : ", line).strip(" :") if line.startswith("|") else line
        if (
            not bare
            or re.fullmatch(r"[^\W\d_]{1,25}", bare)  # one word (a label); a sentence in a script without spaces stays
            or _BOILERPLATE_LINE.match(bare)
            or is_promo(bare)
            or is_record(bare)
            or _DATE_STAMP.match(bare)
            or re.fullmatch(r"[|:\s-]+", bare)
        ):
            continue
        out.append(line)
    return "\n".join(out)


def drop_repeats(text: str) -> str:
    """Drop the second copy of a long paragraph (25+ words): fallback extractors read pages that hold
    their story twice (a print or app copy) as one."""
    seen: set[str] = set()
    out = []
    for line in text.splitlines():
        key = " ".join(line.split())
        if len(key.split()) >= 25 and key in seen:
            continue
        seen.add(key)
        out.append(line)
    return "\n".join(out)


def clean_title(title: str | None, site: str | None, hostname: str | None) -> str:
    """Strip a trailing " - Kompas.com Regional" style site suffix."""
    t = repair(title or "").strip()
    m = _TITLE_SUFFIX.search(t)
    if m:
        suffix = m.group(0).lower()
        names = {n.lower() for n in (site, hostname) if n}
        names |= {n.split(".")[0] for n in names}
        if any(n and n in suffix for n in names) or re.search(r"\.(?:com|co\.id|id|net)\b", suffix):
            t = t[: m.start()].strip()
    return t


def norm(text: str) -> str:
    """Lowercased words only, for comparing headlines."""
    return re.sub(r"\W+", " ", text).strip().lower()
