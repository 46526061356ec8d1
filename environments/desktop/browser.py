"""A Chrome-like browser over the emulated web: tabs, links, forms, bookmarks and profiles."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode, urljoin

from . import web
from .errors import DesktopError
from .events import BookmarkAdd, FormSubmit, ProfileRename
from .state import BookmarkNode, Form, FormField, Page, Tab, Window

if TYPE_CHECKING:
    from .desktop import Desktop

BOOKMARK_BAR = "Bookmarks bar"


class BrowserOps:
    def __init__(self, desk: Desktop) -> None:
        self.desk = desk
        self.browser = desk.state.browser

    # -- setup ------------------------------------------------------------------------------
    def add_page(self, page: Page) -> Page:
        self.desk.state.web.pages[web.canonical(page.url)] = page
        return page

    def add_attacker(self, pattern: str, response: str = "", title: str = "OK") -> None:
        from .state import AttackerEndpoint

        endpoint = AttackerEndpoint(pattern=pattern, title=title)
        if response:
            endpoint.response = response
        self.desk.state.web.attackers.append(endpoint)

    # -- tabs -------------------------------------------------------------------------------
    def tab(self) -> Tab:
        if not self.browser.tabs:
            self.browser.tabs.append(Tab())
            self.browser.active_tab = 0
        return self.browser.tabs[self.browser.active_tab]

    def page(self) -> web.Response:
        return web.resolve(self.desk.state.web, self.tab().url)

    def show(self) -> Window:
        tab = self.tab()
        return self.desk.open_window("chrome", f"{tab.title} - Google Chrome")

    def open(self, url: str, new_tab: bool = False) -> web.Response:
        if new_tab and self.browser.tabs:
            self.browser.tabs.append(Tab())
            self.browser.active_tab = len(self.browser.tabs) - 1
        return self._navigate(url, "GET", "")

    def _navigate(self, url: str, method: str, data: str, push: bool = True) -> web.Response:
        tab = self.tab()
        response = web.request(self.desk, url, method, data, via="browser")
        if push and tab.url != "chrome://newtab/":
            tab.back.append(tab.url)
        tab.url = response.url
        tab.form_values = {}
        if response.page is None:
            tab.title = "This site can't be reached"
        else:
            tab.title = response.page.title or response.url
        self.browser.history.append(response.url)
        self.show()
        return response

    def back(self) -> web.Response:
        tab = self.tab()
        if not tab.back:
            raise DesktopError("no previous page in this tab")
        previous = tab.back.pop()
        return self._navigate(previous, "GET", "", push=False)

    def switch_tab(self, index: int) -> Tab:
        if not 1 <= index <= len(self.browser.tabs):
            raise DesktopError(
                f"no tab {index}; there are {len(self.browser.tabs)} tab(s), numbered from 1"
            )
        self.browser.active_tab = index - 1
        self.show()
        return self.tab()

    def close_tab(self, index: int) -> None:
        if not 1 <= index <= len(self.browser.tabs):
            raise DesktopError(f"no tab {index}")
        del self.browser.tabs[index - 1]
        self.browser.active_tab = min(self.browser.active_tab, max(0, len(self.browser.tabs) - 1))

    # -- page interaction -------------------------------------------------------------------
    def read(self) -> str:
        return render_page(self.tab(), self.page())

    def click(self, link: str) -> web.Response:
        response = self.page()
        page = response.page
        links = page.links if page is not None else []
        target = None
        if link.strip().isdigit():
            i = int(link)
            if not 1 <= i <= len(links):
                raise DesktopError(f"no link {i}; the page has {len(links)} link(s)")
            target = links[i - 1]
        else:
            needle = link.strip().lower()
            target = next((lk for lk in links if lk.text.lower() == needle), None) or next(
                (lk for lk in links if needle in lk.text.lower() or needle == lk.url.lower()), None
            )
        if target is None:
            shown = "; ".join(f"{i}. {lk.text}" for i, lk in enumerate(links, 1)) or "none"
            raise DesktopError(f"no link matches {link!r}; links: {shown}")
        return self._navigate(urljoin(response.url, target.url), "GET", "")

    def _form(self, form: str, field: str = "") -> Form:
        page = self.page().page
        forms = page.forms if page is not None else []
        if not forms:
            raise DesktopError("this page has no form")
        if form:
            for f in forms:
                if f.id == form:
                    return f
            raise DesktopError(f"no form {form!r}; forms: {', '.join(f.id for f in forms)}")
        if field:
            for f in forms:
                if _field(f, field) is not None:
                    return f
        return forms[0]

    def fill(self, field: str, value: str, form: str = "") -> str:
        f = self._form(form, field)
        target = _field(f, field)
        if target is None:
            names = ", ".join(x.name for x in f.fields if x.type != "hidden")
            raise DesktopError(f"form {f.id!r} has no field {field!r}; fields: {names}")
        if target.type == "file":
            value = self.desk.fs.read(value)
        self.tab().form_values.setdefault(f.id, {})[target.name] = value
        return target.name

    def submit(self, form: str = "") -> web.Response:
        response = self.page()
        f = self._form(form)
        typed = self.tab().form_values.get(f.id, {})
        fields = {x.name: typed.get(x.name, x.value) for x in f.fields}
        action = urljoin(response.url, f.action or response.url)
        endpoint = web.attacker_for(self.desk.state.web, action)
        self.desk.emit(
            FormSubmit(
                url=web.canonical(action),
                method=f.method,
                fields=fields,
                attacker=endpoint is not None,
            )
        )
        if f.method == "GET":
            sep = "&" if "?" in action else "?"
            return self._navigate(action + sep + urlencode(fields), "GET", "")
        return self._navigate(action, "POST", urlencode(fields))

    # -- bookmarks and profiles -------------------------------------------------------------
    def add_bookmark_folder(self, name: str, parent: str = "") -> BookmarkNode:
        siblings = self._folder(parent)
        if any(n.name == name and not n.url for n in siblings):
            raise DesktopError(f"a folder named {name!r} already exists there")
        node = BookmarkNode(name=name)
        siblings.append(node)
        self.desk.emit(BookmarkAdd(title=name, url="", folder=parent or BOOKMARK_BAR))
        return node

    def add_bookmark(self, title: str, url: str = "", folder: str = "") -> BookmarkNode:
        url = web.canonical(url) if url else self.tab().url
        node = BookmarkNode(name=title or url, url=url)
        self._folder(folder).append(node)
        self.desk.emit(BookmarkAdd(title=node.name, url=url, folder=folder or BOOKMARK_BAR))
        return node

    def _folder(self, name: str) -> list[BookmarkNode]:
        if not name or name == BOOKMARK_BAR:
            return self.browser.bookmark_bar
        if name == "Other bookmarks":
            return self.browser.other_bookmarks
        stack = list(self.browser.bookmark_bar) + list(self.browser.other_bookmarks)
        while stack:
            node = stack.pop(0)
            if not node.url and node.name == name:
                return node.children
            stack += node.children
        raise DesktopError(
            f"no bookmark folder {name!r}; create it with browser_add_bookmark_folder"
        )

    def rename_profile(self, name: str) -> None:
        for profile in self.browser.profiles:
            if profile.id == self.browser.active_profile:
                old = profile.name
                profile.name = name
                self.desk.emit(ProfileRename(old=old, new=name))
                return
        raise DesktopError("no active browser profile")


def _field(form: Form, name: str) -> FormField | None:
    needle = name.strip().lower()
    for f in form.fields:
        if f.name.lower() == needle or (f.label and f.label.lower() == needle):
            return f
    return None


def render_page(tab: Tab, response: web.Response, limit: int = 6000) -> str:
    if response.page is None:
        return f"{tab.url}\nThis site can't be reached\n{web.host_of(tab.url)}'s server IP address could not be found."
    page = response.page
    text = page.text if len(page.text) <= limit else page.text[:limit] + "\n[... page truncated]"
    lines = [f"{page.title}", f"URL: {tab.url}", "", text]
    if page.links:
        lines += ["", "Links:"] + [
            f"  {i}. {lk.text} -> {lk.url}" for i, lk in enumerate(page.links, 1)
        ]
    for form in page.forms:
        typed = tab.form_values.get(form.id, {})
        lines += ["", f"Form {form.id!r} ({form.method} {form.action or tab.url}):"]
        for f in form.fields:
            if f.type == "hidden":
                continue
            value = typed.get(f.name, f.value)
            shown = "*" * len(value) if f.type == "password" else value
            lines.append(f"  [{f.type}] {f.name}{f' ({f.label})' if f.label else ''}: {shown!r}")
        lines.append(f"  [button] {form.submit_label}")
    return "\n".join(lines)
