/* csdocs search: the SOP finder behind mkdocs-material's header search box.
 *
 * Reads the index csdocs writes under search/csdocs/ (csdocs/search/index.py
 * documents the files) a shard at a time, ranks with the rules of
 * csdocs/search/rank.py (this file's twin: same steps, integers only, so the
 * site and `csdocs search` agree), and renders the results, with filters by
 * department, channel and contact type, into the theme's search panel.
 * Enter opens the first result. A query typed before the index has loaded is
 * answered once it has. SOP text is shown with textContent only.
 */
(function () {
  "use strict";

  /* ------------------------------------------------- text (csdocs/search/text.py) */

  var FOLD = { "đ": "d", "ð": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ß": "ss", "ı": "i", "þ": "th", "ħ": "h" };
  var MARK = /\p{Mn}/u;
  var WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
  var PHRASE_WORDS = [2, 4];

  function fold(text) {
    var out = "";
    for (var ch of String(text).toLowerCase().normalize("NFKD")) {
      if (MARK.test(ch)) continue;
      out += Object.prototype.hasOwnProperty.call(FOLD, ch) ? FOLD[ch] : ch;
    }
    return out;
  }

  function isHanOrKana(ch) {
    var code = ch.codePointAt(0);
    return (code >= 0x3040 && code <= 0x30FF) || (code >= 0x31F0 && code <= 0x31FF) ||
      (code >= 0x3400 && code <= 0x4DBF) || (code >= 0x4E00 && code <= 0x9FFF) ||
      (code >= 0xF900 && code <= 0xFAFF) || (code >= 0x20000 && code <= 0x323AF);
  }

  function splitRun(run) {  // run: an array of characters
    var found = [];
    var start = 0;
    while (start < run.length) {
      var han = isHanOrKana(run[start]);
      var end = start + 1;
      while (end < run.length && isHanOrKana(run[end]) === han) end += 1;
      var part = run.slice(start, end);
      if (han && part.length > 1) {
        for (var i = 0; i < part.length - 1; i += 1) found.push(part[i] + part[i + 1]);
      } else {
        found.push(part.join(""));
      }
      start = end;
    }
    return found;
  }

  function words(text) {
    var found = [];
    var run = [];
    for (var ch of fold(text)) {
      if (WORD_CHAR.test(ch)) {
        run.push(ch);
      } else if (run.length) {
        found = found.concat(splitRun(run));
        run = [];
      }
    }
    if (run.length) found = found.concat(splitRun(run));
    return found;
  }

  function hasHanOrKana(text) {
    for (var ch of text) if (isHanOrKana(ch)) return true;
    return false;
  }

  function queryPhrases(queryWords) {
    var out = [];
    for (var start = 0; start < queryWords.length; start += 1) {
      for (var size = Math.min(PHRASE_WORDS[1], queryWords.length - start); size >= PHRASE_WORDS[0]; size -= 1) {
        var chunk = queryWords.slice(start, start + size);
        if (!chunk.some(hasHanOrKana)) {
          var text = chunk.join(" ");
          if (out.indexOf(text) < 0) out.push(text);
        }
      }
    }
    return out;
  }

  function shardKey(term) {
    var bytes = new TextEncoder().encode(Array.from(term).slice(0, 2).join(""));
    var hex = "";
    for (var i = 0; i < bytes.length; i += 1) hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return hex;
  }

  /* ------------------------------------------------- ranking (csdocs/search/rank.py) */

  function editDistance(a, b, limit) {  // a, b: arrays of characters
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var previous2 = [];
    var previous = [];
    for (var j0 = 0; j0 <= b.length; j0 += 1) previous.push(j0);
    for (var i = 1; i <= a.length; i += 1) {
      var current = [i];
      var best = i;
      for (var j = 1; j <= b.length; j += 1) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          value = Math.min(value, previous2[j - 2] + 1);
        }
        current.push(value);
        best = Math.min(best, value);
      }
      if (best > limit) return limit + 1;
      previous2 = previous;
      previous = current;
    }
    return previous[b.length];
  }

  function matchFactor(word, term, isLast, scoring) {
    if (term === word) return scoring.exact;
    if (term.indexOf(" ") >= 0) return 0;
    var chars = Array.from(word);
    var prefixMin = isLast ? scoring.prefix_min_last : scoring.prefix_min;
    if (chars.length >= prefixMin && term.startsWith(word)) return scoring.prefix;
    if (chars.length >= scoring.fuzzy1_min) {
      var limit = chars.length >= scoring.fuzzy2_min ? 2 : 1;
      var distance = editDistance(chars, Array.from(term), limit);  // limit + 1 means "further than limit"
      if (distance === 1) return scoring.fuzzy1;
      if (distance === 2 && limit === 2) return scoring.fuzzy2;
    }
    return 0;
  }

  function eachPosting(encoded, visit) {
    var doc = 0;
    for (var position = 1; position < encoded.length; position += 2) {
      doc += encoded[position];
      visit(doc, encoded[position + 1], encoded[0]);
    }
  }

  function Index(root) {
    this.root = root;
    this.files = {};
  }

  // Index files are scripts that call csdocsSearchFile(name, data) (csdocs/search/index.py):
  // a <script> tag loads them from a web server and from a site opened as files alike.
  var pending = {};
  window.csdocsSearchFile = function (name, data) {
    if (pending[name]) pending[name](data);
  };

  Index.prototype.get = function (name) {
    var files = this.files;
    if (!files[name]) {
      var url = new URL(name + ".js", this.root).href;
      files[name] = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        pending[name] = function (data) { delete pending[name]; resolve(data); };
        tag.src = url;
        tag.async = true;
        tag.onerror = function () {
          delete pending[name];
          tag.remove();
          reject(new Error(name + ".js could not be loaded"));
        };
        tag.onload = function () {
          tag.remove();
          if (pending[name]) {
            delete pending[name];
            reject(new Error(name + ".js is not a csdocs search index file"));
          }
        };
        document.head.appendChild(tag);
      });
      files[name].catch(function () { delete files[name]; });  // a later query tries again
    }
    return files[name];
  };

  Index.prototype.shard = function (meta, key) {
    if (meta.shards.indexOf(key) < 0) return Promise.resolve({});
    return this.get("terms/" + key);
  };

  Index.prototype.record = function (meta, doc) {
    return this.get("docs/" + Math.floor(doc / meta.chunk)).then(function (chunk) {
      return chunk[doc % meta.chunk];
    });
  };

  // Every SOP the query meets, best first: [{doc, matched, score}] (rank.py's search()).
  Index.prototype.search = function (query) {
    var index = this;
    return index.get("meta").then(function (meta) {
      var scoring = meta.scoring;
      var queryWords = Array.from(new Set(words(query)));
      if (!queryWords.length) return [];
      var phrases = queryPhrases(queryWords);
      var keys = queryWords.map(shardKey).concat(phrases.map(shardKey));
      return Promise.all(keys.map(function (key) { return index.shard(meta, key); })).then(function (shards) {
        var best = new Map();  // doc -> Map(query word position -> best score)
        queryWords.forEach(function (word, position) {
          var isLast = position === queryWords.length - 1;
          var shard = shards[position];
          Object.keys(shard).forEach(function (term) {
            var factor = matchFactor(word, term, isLast, scoring);
            if (!factor) return;
            eachPosting(shard[term], function (doc, weight, idf) {
              var value = factor * weight * idf;
              var perWord = best.get(doc);
              if (!perWord) { perWord = new Map(); best.set(doc, perWord); }
              if (value > (perWord.get(position) || 0)) perWord.set(position, value);
            });
          });
        });
        var phraseScores = new Map();
        phrases.forEach(function (text, offset) {
          var shard = shards[queryWords.length + offset];
          if (!Object.prototype.hasOwnProperty.call(shard, text)) return;
          eachPosting(shard[text], function (doc, weight, idf) {
            phraseScores.set(doc, (phraseScores.get(doc) || 0) + scoring.phrase * weight * idf);
          });
        });
        var hits = [];
        best.forEach(function (perWord, doc) {
          var score = phraseScores.get(doc) || 0;
          perWord.forEach(function (value) { score += value; });
          hits.push({ doc: doc, matched: perWord.size, score: score });
        });
        hits.sort(function (a, b) { return (b.matched - a.matched) || (b.score - a.score) || (a.doc - b.doc); });
        return hits;
      });
    });
  };

  var FILTERS = ["department", "channel", "contact_type"];

  function facetValues(facets, doc, kind) {
    var entry = facets.docs[doc];
    var numbers = kind === "department" ? [entry[0]] : kind === "channel" ? entry[1] : entry[2];
    return numbers.map(function (number) { return facets[kind][number]; });
  }

  // rank.py's search_filtered(): {hits, total, counts: {kind: [[value, count], ...]}, meta}
  Index.prototype.searchFiltered = function (query, filters) {
    var index = this;
    return Promise.all([index.search(query), index.get("facets"), index.get("meta")]).then(function (got) {
      var hits = got[0];
      var facets = got[1];
      var counts = {};
      FILTERS.forEach(function (kind) { counts[kind] = new Map(); });
      hits.forEach(function (hit) {
        FILTERS.forEach(function (kind) {
          facetValues(facets, hit.doc, kind).forEach(function (value) {
            counts[kind].set(value, (counts[kind].get(value) || 0) + 1);
          });
        });
      });
      var kept = hits.filter(function (hit) {
        return FILTERS.every(function (kind) {
          return !filters[kind] || facetValues(facets, hit.doc, kind).indexOf(filters[kind]) >= 0;
        });
      });
      var ordered = {};
      FILTERS.forEach(function (kind) {
        ordered[kind] = Array.from(counts[kind].entries()).sort(function (a, b) {
          return (b[1] - a[1]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
        });
      });
      return { hits: kept, total: hits.length, counts: ordered, meta: got[2] };
    });
  };

  /* ------------------------------------------------------------------ the panel */

  var script = document.currentScript;
  var siteRoot = script ? new URL("../../", script.src) : new URL("./", document.baseURI);
  var index = new Index(new URL("search/csdocs/", siteRoot));
  var FILTER_LABELS = { department: "Department", channel: "Channel", contact_type: "Contact type" };
  var MOST_VALUES = 8;  // filter values shown per kind (the most frequent among the matches)

  // Shown as met by the query: one of the text's words is a query word or begins with one.
  function isMet(text, queryWords) {
    return words(text).some(function (word) {
      return queryWords.some(function (typed) { return word === typed || (typed.length > 1 && word.startsWith(typed)); });
    });
  }

  // The title with the words the query met marked (<mark>, built as nodes: SOP text stays text).
  function markedTitle(title, queryWords) {
    var node = el("h1", "csdocs-search__title");
    String(title).split(/([\p{L}\p{N}\p{M}]+)/u).forEach(function (part) {
      if (part) node.appendChild(isMet(part, queryWords) ? el("mark", "", part) : document.createTextNode(part));
    });
    return node;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function Panel(input) {
    this.input = input;
    this.filters = {};
    this.sequence = 0;
    this.first = null;  // the first result's URL, for Enter
    var wrap = input.closest(".md-search") && input.closest(".md-search").querySelector(".md-search__scrollwrap");
    this.root = el("div", "md-search-result csdocs-search");
    this.root.setAttribute("data-csdocs-search", "");
    this.meta = el("div", "md-search-result__meta", "Type to start searching");
    this.meta.setAttribute("aria-live", "polite");
    this.filterBox = el("div", "csdocs-search__filters");
    this.list = el("ol", "md-search-result__list");
    this.list.setAttribute("role", "presentation");
    this.root.appendChild(this.meta);
    this.root.appendChild(this.filterBox);
    this.root.appendChild(this.list);
    if (wrap) wrap.appendChild(this.root);
    document.documentElement.classList.add("csdocs-search-on");
  }

  Panel.prototype.clear = function (message) {
    this.list.textContent = "";
    this.filterBox.textContent = "";
    this.meta.textContent = message;
    this.first = null;
  };

  Panel.prototype.run = function () {
    var panel = this;
    var query = panel.input.value;
    var sequence = ++panel.sequence;
    if (!words(query).length) {
      panel.clear("Type to start searching");
      return Promise.resolve();
    }
    if (!panel.list.firstChild) panel.meta.textContent = "Searching…";
    return index.searchFiltered(query, panel.filters).then(function (results) {
      if (sequence !== panel.sequence) return null;  // a newer query is on its way
      var shown = results.hits.slice(0, results.meta.scoring.limit);
      return Promise.all(shown.map(function (hit) { return index.record(results.meta, hit.doc); }))
        .then(function (records) {
          if (sequence !== panel.sequence) return;
          panel.render(query, results, records);
        });
    }).catch(function (error) {
      if (sequence !== panel.sequence) return;
      panel.clear("Search could not load its index (" + error.message + "). Reload the page; if it goes on, " +
        "the site was published without search/csdocs/: build it again with `csdocs build`.");
    });
  };

  Panel.prototype.render = function (query, results, records) {
    var panel = this;
    var queryWords = words(query);
    panel.list.textContent = "";
    panel.renderFilters(results);
    var filtered = FILTERS.some(function (kind) { return panel.filters[kind]; });
    if (!records.length) {
      panel.first = null;
      panel.meta.textContent = results.total && filtered
        ? "No SOP matches with these filters (" + results.total + " without them)"
        : "No SOP matches";
      return;
    }
    var count = results.hits.length;
    panel.meta.textContent = count + (count === 1 ? " SOP matches" : " SOPs match") +
      (count > records.length ? " (the first " + records.length + " shown)" : "");
    records.forEach(function (record) {
      var href = new URL(record.url, siteRoot).href;
      var item = el("li", "md-search-result__item csdocs-search__item");
      var link = el("a", "md-search-result__link");
      link.href = href;
      link.setAttribute("tabindex", "-1");
      var article = el("article", "md-search-result__article md-typeset");
      article.appendChild(markedTitle(record.title, queryWords));
      var facts = el("p", "csdocs-search__facts");
      facts.appendChild(el("span", "csdocs-search__department", record.department));
      var matching = record.contact_types.filter(function (value) { return isMet(value, queryWords); });
      matching.forEach(function (value) { facts.appendChild(el("span", "csdocs-search__contact-type", value)); });
      article.appendChild(facts);
      if (record.first_step) article.appendChild(el("p", "csdocs-search__first-step", "First step: " + record.first_step));
      link.appendChild(article);
      item.appendChild(link);
      panel.list.appendChild(item);
    });
    panel.first = new URL(records[0].url, siteRoot).href;
  };

  Panel.prototype.renderFilters = function (results) {
    var panel = this;
    panel.filterBox.textContent = "";
    if (results.total < 2 && !FILTERS.some(function (kind) { return panel.filters[kind]; })) return;
    FILTERS.forEach(function (kind) {
      var values = results.counts[kind].slice(0, MOST_VALUES);
      var chosen = panel.filters[kind];
      if (chosen && !values.some(function (entry) { return entry[0] === chosen; })) values.push([chosen, 0]);
      if (values.length < 2 && !chosen) return;  // nothing to choose between
      var group = el("div", "csdocs-search__filter");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", FILTER_LABELS[kind]);
      group.appendChild(el("span", "csdocs-search__filter-label", FILTER_LABELS[kind]));
      values.forEach(function (entry) {
        var chip = el("button", "csdocs-search__chip", entry[0] + " (" + entry[1] + ")");
        chip.type = "button";
        chip.setAttribute("data-filter", kind);
        chip.setAttribute("data-value", entry[0]);
        chip.setAttribute("aria-pressed", chosen === entry[0] ? "true" : "false");
        chip.addEventListener("click", function () {
          panel.filters[kind] = chosen === entry[0] ? null : entry[0];
          panel.run();
          panel.input.focus();
        });
        group.appendChild(chip);
      });
      panel.filterBox.appendChild(group);
    });
  };

  Panel.prototype.links = function () {
    return Array.prototype.slice.call(this.list.querySelectorAll("a.md-search-result__link"));
  };

  function onKeydown(panel, event) {
    var inPanel = event.target === panel.input || panel.root.contains(event.target);
    if (!inPanel) return;
    if (event.key === "Enter" && event.target === panel.input) {
      event.preventDefault();
      event.stopImmediatePropagation();
      if (panel.first) window.location.assign(panel.first);
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var links = panel.links();
    if (!links.length) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var at = links.indexOf(document.activeElement);
    var next = event.key === "ArrowDown" ? at + 1 : at - 1;
    if (next < 0) panel.input.focus();
    else links[Math.min(next, links.length - 1)].focus();
  }

  // The theme hides its search box when its own search worker cannot start, as on a site
  // opened from files (file://). csdocs' search does not need that worker: keep the box.
  function keepShown(node) {
    if (!node) return;
    node.hidden = false;
    new MutationObserver(function () { if (node.hidden) node.hidden = false; })
      .observe(node, { attributes: true, attributeFilter: ["hidden"] });
  }

  function setup() {
    var input = document.querySelector(".md-search__input");
    if (!input || input.hasAttribute("data-csdocs-search-input")) return;
    input.setAttribute("data-csdocs-search-input", "");
    keepShown(input.closest(".md-search"));
    keepShown(document.querySelector("label.md-header__button[for='__search']"));
    input.setAttribute("placeholder", "Find an SOP: contact type, customer words, a trigger…");
    var panel = new Panel(input);
    input.addEventListener("input", function () { panel.run(); });
    window.addEventListener("keydown", function (event) { onKeydown(panel, event); }, true);
    window.csdocsSearch = {
      panel: panel,
      // For tests and integrations: the ranked SOP ids for a query, as the panel ranks them.
      rank: function (query, filters) {
        return index.searchFiltered(query, filters || {}).then(function (results) {
          return Promise.all(results.hits.map(function (hit) { return index.record(results.meta, hit.doc); }));
        }).then(function (records) { return records.map(function (record) { return record.id; }); });
      },
      words: words,
      shardKey: shardKey,
    };
    // Words typed before this script ran (a slow page) are searched now, not lost.
    if (input.value) panel.run();
  }

  setup();
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(setup);
})();
