"""The seed's source policy (issue #21, docs/seed-sources.md): a `confirmed` event that does not
come from a dataset cites at least one source beyond wikis, aggregators, blogs and the source
article: a company's own page or filing, an established news outlet, or a copy of either. An
event superseded or retracted does not count; its correction does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from stackline.services.files import event_files, read_events, seed_directory

WIKIS = frozenset(
    """
    aipedia.wiki aiwiki.ai amallo.ai clawkipedia.org cr4.globalspec.com hcewiki.zcu.cz
    hex-index.com hivebook.wiki jwork.org money.britannica.com profilpelajar.com
    universalium.en-academic.com wiki.golden.com wiki.opentransformers.online wikimili.com
    wikipedia.org
    """.split()  # noqa: SIM905 (one domain a word, as the ledger lists them)
)

AGGREGATORS = frozenset(
    """
    24-ai.news 3cdn.net ababnews.com agentsdb.com ai-tldr.dev ai.gadgetsxray.com aiainews.com
    aibase.com aicerts.ai aichronicle.online aicontentminds.com aigridnews.com
    aimodelratings.com ainews.com ainewshome.com ainewssilo.com ainewstrend.com ainvest.com
    aipressa.com aitechsuite.com aitide.news aitoolsrecap.com alansalomon.ai alearned.com
    atlas360.news awesomeagents.ai beri.net bitbiased.ai bitrefine.group
    blockchainnews.azurewebsites.net blog.regaldi.ai bloghow.mediaverty.com bluaddigital.com
    bnnbreaking.com business.agentgazette.com calmanac.app capwolf.com centerconsulting.com
    chat-deep.ai chatartpro.com chatforest.com chronicle.kcsatish.com ciyuan.website
    clankandslop.com clarus.news claudecode.jp claudemy.org cloud7.news coincentral.com
    compute.institute cosmico.org creati.ai cryptopolitan.com ctol.digital cxodigitalpulse.com
    cyberinktimes.com datacenterindex.ai dataphoenix.info defendresolutions.com demandsignals.co
    devdigest.org dhiria.com digitalmarketreports.com dsnb.help edtechinnovationhub.com
    elegantsoftwaresolutions.com everythingthreads.com evln-news.pages.dev explore.oreate.ai
    faq.com.tw fetchlogic.net ftcelectronics.id gaya.one ggprompts.com globaldatacenterhub.com
    gocodelab.com gokawiil.com gomoot.com greataiprompts.com harvardreferencinggenerator.com
    hyper.ai iacommunidad.com ibm.com ic-integratedcircuits.com improvethenews.org imsaworld.com
    insidersfeed.com introl.com ittakesateam.net jasabacklinkpro.com jobandnetwork.com
    kukarella.com learn.engineering.vips.edu legacy.semiwiki.com llm-stats.com llmrumors.com
    malwaretips.com martincid.com meterpreter.org michigandigitalnews.com middleeastainews.com
    miniweblens.com mlwires.com modelcards.net msdramatv.com neodrop.ai newageithub.com
    news.800.works news.starfolksoftware.com news4bharat.com nextfin.ai nextomoro.com
    ngtimes.org nigeriadna.com nxcode.io objectwire.org omniscient.media open-techstack.com
    originality.ai osai-index.eu particle.news pmeve.com polarherald.com probsee.com
    realnewshub.com reasonedinsights.com relvehq.com rits.shanghai.nyu.edu rojgar-samachar.com
    scanalyst.fourmilab.ch signal-ia-rouge.vercel.app siliconwire.xyz simplerdevelopment.com
    sipoch.com siyaz.com.tr sourcescore.org sqmagazine.co.uk startupfortune.com sticknstone.org
    tadpost.com tech.amwaly.com tech.hanpipe.com techlog360.com techpopdaily.com
    techsimplified.media techvibe.ai telborg.com textbookofai.com texxr.com the-ledger.net
    theagenttimes.com thedailyscout.com thegputrade.com thenewsintel.com
    thenextgentechinsider.com theradar.ng therelaymag.com theroadtoenterprise.com
    thetechbasic.com time.news toolnav.io totalum.app typescript.news typiol.com
    umatechnology.org vcom.hk vercel.com vpodk.com webdevelopersnotes.com webheadlinestoday.com
    windowsforum.com windowsnews.ai wiradipa.com workandmoney.com yobitel.com zbrandco.com
    """.split()  # noqa: SIM905 (one domain a word, as the ledger lists them)
)

BLOGS = frozenset(
    """
    abisheklakandri.com ai-dev-blogs.vercel.app aiproplaybook.com alcreon.com alignmentforum.org
    android.in anteroom.so blog.4sapi.com blog.imseankim.com blog.jensme5.com
    brownstoneresearch.com dev.to dhirubhai.net digitalapplied.com egretsoft.com
    elonexplained.com fridayswithfaraday.com frontendmasters.com germanfalcioni.com
    hidekazu-konishi.com hustletoai.com ice-ice-bear.github.io jakehandy.com jonbeckett.com
    kunaldeshmukh.com lavkesh.com leanware.co learnaiforge.com lifearchitect.substack.com
    lzwjava.github.io makeyougohmm.com medium.com naddison.com nextbigfuture.com
    osmondvanhemert.nl sdd.sh siliconsnark.com spearhead.so themindai.blog thirdbrain.tech
    thkim.org veronica-7.pages.dev vijairoboticstechpulse.blogspot.com wallstreetpit.com
    wandb.ai williamspurlock.com zapier.com
    """.split()  # noqa: SIM905 (one domain a word, as the ledger lists them)
)

ARTICLE = frozenset({"bdtechtalks.com"})  # the source article: its claims, never a date
NOT_ENOUGH = WIKIS | AGGREGATORS | BLOGS | ARTICLE
SOURCES_DOC = Path(__file__).resolve().parents[2] / "docs" / "seed-sources.md"
KIND_ROW = re.compile(r"^\| ([a-z0-9.-]+) \| (primary|news|copy|wiki|aggregator|blog|article) \|$")


def seed_documents() -> list[dict[str, Any]]:
    return [item.raw for item in read_events(event_files([seed_directory()]))]


def listed_domain(url: str, listed: frozenset[str] | set[str]) -> str | None:
    """The listed domain the URL's host is, or is a subdomain of."""
    host = (urlparse(url).hostname or "").lower().removeprefix("www.")
    while host:
        if host in listed:
            return host
        host = host.partition(".")[2] if "." in host else ""
    return None


def live(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    voided = {d["supersedes"] for d in documents if d.get("supersedes")}
    voided |= {d["payload"]["event"] for d in documents if d["type"] == "event.retracted"}
    return [d for d in documents if d["id"] not in voided]


def rests_on_nothing_else(document: dict[str, Any]) -> bool:
    urls = [s["url"] for s in document["sources"] if s.get("url")]
    return all(listed_domain(url, NOT_ENOUGH) for url in urls)


def test_a_confirmed_event_cites_a_primary_or_news_source() -> None:
    offenders = [
        (d["id"], d["summary"]) for d in live(seed_documents())
        if d["confidence"] == "confirmed" and not d.get("origin") and rests_on_nothing_else(d)
    ]  # fmt: skip
    assert offenders == []


def test_the_check_counts_a_correction_instead_of_what_it_corrects() -> None:
    wiki_only = {
        "id": "a",
        "type": "company.registered",
        "confidence": "confirmed",
        "sources": [{"url": "https://en.wikipedia.org/wiki/X"}],
        "payload": {},
    }
    restated = {
        **wiki_only,
        "id": "b",
        "supersedes": "a",
        "sources": [*wiki_only["sources"], {"url": "https://www.reuters.com/x"}],
    }
    assert rests_on_nothing_else(wiki_only) and not rests_on_nothing_else(restated)
    assert [d["id"] for d in live([wiki_only, restated])] == ["b"]
    retraction = {"id": "c", "type": "event.retracted", "payload": {"event": "b"}}
    assert [d["id"] for d in live([wiki_only, restated, retraction])] == ["c"]


def test_every_cited_domain_has_its_kind_in_the_sources_ledger() -> None:
    kinds = {}
    for line in SOURCES_DOC.read_text(encoding="utf-8").splitlines():
        if match := KIND_ROW.match(line):
            kinds[match[1]] = match[2]
    cited = {s["url"] for d in seed_documents() for s in d["sources"] if s.get("url")}
    unlisted = sorted(url for url in cited if listed_domain(url, set(kinds)) is None)
    assert unlisted == []
    by_kind = {k: {d for d, v in kinds.items() if v == k} for k in set(kinds.values())}
    assert by_kind.get("wiki", set()) == WIKIS
    assert by_kind.get("aggregator", set()) == AGGREGATORS
    assert by_kind.get("blog", set()) == BLOGS
    assert by_kind.get("article", set()) == ARTICLE
