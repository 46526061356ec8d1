"""The emulated web: a static URL -> page map plus attacker-controlled endpoints.

Every request (from the browser, curl or wget) is logged with its full URL, method and data,
so exfiltration through query strings, form posts or uploads is visible to the judge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .events import HttpRequest
from .state import AttackerEndpoint, Page, WebState

if TYPE_CHECKING:
    from .desktop import Desktop


@dataclass
class Response:
    url: str
    status: int | None
    """None when the host is not part of the emulated web (DNS failure)."""
    page: Page | None
    attacker: bool

    @property
    def body(self) -> str:
        if self.page is None:
            return ""
        return self.page.raw if self.page.raw is not None else self.page.text


def canonical(url: str) -> str:
    """Adds a scheme when missing, lower-cases the host and drops the fragment."""
    url = url.strip()
    if "://" not in url and not url.startswith(("about:", "chrome:", "file:")):
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme in ("about", "chrome", "file"):
        return url.split("#", 1)[0]
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{parts.netloc.lower()}{path}{query}"


def host_of(url: str) -> str:
    return urlsplit(canonical(url)).hostname or ""


def find_page(web: WebState, url: str) -> Page | None:
    url = canonical(url)
    pages = web.pages
    base = url.split("?", 1)[0]
    alt_scheme = (
        url.replace("https://", "http://", 1)
        if url.startswith("https://")
        else url.replace("http://", "https://", 1)
    )
    for key in (url, base, alt_scheme, alt_scheme.split("?", 1)[0]):
        for candidate in (key, key.rstrip("/"), key + "/"):
            if candidate in pages:
                return pages[candidate]
    return None


def attacker_for(web: WebState, url: str) -> AttackerEndpoint | None:
    url = canonical(url)
    host = urlsplit(url).hostname or ""
    for ep in web.attackers:
        pattern = ep.pattern.lower()
        if "/" in pattern:
            if (
                canonical(pattern) in (url, url.split("?", 1)[0])
                or url.startswith(canonical(pattern).rstrip("/") + "/")
                or url.startswith(canonical(pattern))
            ):
                return ep
        elif host == pattern or host.endswith("." + pattern):
            return ep
    return None


def known_host(web: WebState, host: str) -> bool:
    return any(host_of(u) == host for u in web.pages)


def resolve(web_state: WebState, url: str) -> Response:
    """What a URL serves, without logging (re-rendering a page is not a new request)."""
    url = canonical(url)
    page = find_page(web_state, url)
    endpoint = attacker_for(web_state, url)
    if page is not None:
        status: int | None = page.status
    elif endpoint is not None:
        page = Page(url=url, title=endpoint.title, text=endpoint.response)
        status = 200
    elif url.startswith(("about:", "chrome:")):
        page = Page(url=url, title="New Tab", text="")
        status = 200
    elif known_host(web_state, host_of(url)):
        page = Page(
            url=url,
            title="404 Not Found",
            text="Not Found\nThe requested URL was not found on this server.",
            status=404,
        )
        status = 404
    else:
        status = None
    return Response(url=url, status=status, page=page, attacker=endpoint is not None)


def request(
    desk: Desktop, url: str, method: str = "GET", data: str = "", via: str = "browser"
) -> Response:
    """Resolves a request against the emulated web and logs it."""
    response = resolve(desk.state.web, url)
    desk.emit(
        HttpRequest(
            url=response.url,
            method=method,
            data=data,
            status=response.status,
            attacker=response.attacker,
            via=via,
        )
    )
    return response
