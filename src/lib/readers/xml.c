/*
 * xml.c - XML through expat, for the parts of office documents.
 *
 * Hostile-input rules: a document that declares an entity is refused (no
 * office format needs one, and refusing them is the end of billion-laughs
 * and external-entity tricks; expat never fetches anything itself);
 * nesting deeper than MAX_DEPTH is refused. Handlers get names without
 * their prefix, as prefixes are chosen by the writer.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <expat.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <strings.h>

#define MAX_DEPTH 1024

struct sgi_xml {
    XML_Parser p; /* NULL on the fast path */
    const sgi_xml_handlers *h;
    void *opaque;
    unsigned depth;
    sg_status st;
    char msg[200];
    sgi_ctx *ctx; /* for --timeout (members of a container), or NULL */
    unsigned long elements;
};


const char *sgi_xml_attr(const char **attrs, const char *name)
{
    for (size_t i = 0; attrs && attrs[i]; i += 2)
        if (strcmp(sgi_xml_local(attrs[i]), name) == 0)
            return attrs[i + 1];
    return NULL;
}

const char *sgi_xml_rid(const char **attrs)
{
    for (size_t i = 0; attrs && attrs[i]; i += 2)
        if (strchr(attrs[i], ':') && strcmp(sgi_xml_local(attrs[i]), "id") == 0)
            return attrs[i + 1];
    return NULL;
}

static void stop(sgi_xml *x, sg_status st, const char *msg)
{
    if (x->st == SG_OK) {
        x->st = st;
        snprintf(x->msg, sizeof(x->msg), "%s", msg);
    }
    if (x->p)
        XML_StopParser(x->p, XML_FALSE);
}


/* May one more element open? Both paths ask: the depth cap, and every
 * 4096 elements the file's --timeout. */
static bool element_allowed(sgi_xml *x)
{
    if (x->depth >= MAX_DEPTH) {
        stop(x, SG_E_LIMIT, "XML nested too deep");
        return false;
    }
    if ((++x->elements & 4095) == 0 && x->ctx && sgi_ctx_time_up(x->ctx)) {
        stop(x, SG_E_LIMIT, "--timeout reached");
        return false;
    }
    return true;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    sgi_xml *x = ud;
    if (!element_allowed(x))
        return;
    x->depth++;
    if (x->h->start)
        x->h->start(x->opaque, sgi_xml_local(name), attrs);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    sgi_xml *x = ud;
    x->depth--;
    if (x->h->end)
        x->h->end(x->opaque, sgi_xml_local(name));
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    sgi_xml *x = ud;
    if (x->h->text)
        x->h->text(x->opaque, s, len);
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int param, const XML_Char *value,
                              int len, const XML_Char *base, const XML_Char *sys,
                              const XML_Char *pub, const XML_Char *notation)
{
    (void)name, (void)param, (void)value, (void)len, (void)base, (void)sys, (void)pub,
        (void)notation;
    stop(ud, SG_E_FORMAT, "XML declares an entity: refused");
}

static bool xml_init(sgi_xml *x, const sgi_xml_handlers *h, void *opaque)
{
    memset(x, 0, sizeof(*x));
    x->p = XML_ParserCreate("UTF-8");
    if (!x->p)
        return false;
    x->h = h;
    x->opaque = opaque;
    XML_SetUserData(x->p, x);
    XML_SetElementHandler(x->p, on_start, on_end);
    XML_SetCharacterDataHandler(x->p, on_text);
    XML_SetEntityDeclHandler(x->p, on_entity);
    XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
    return true;
}

/* The parse running on this thread, for sgi_xml_abort. */
static __thread sgi_xml *current;

static sg_status feed(sgi_xml *x, const char *data, size_t n, bool final)
{
    sgi_xml *saved = current;
    current = x;
    while (n || final) {
        int chunk = n > (1u << 30) ? 1 << 30 : (int)n;
        bool last = final && (size_t)chunk == n;
        if (XML_Parse(x->p, data, chunk, last) == XML_STATUS_ERROR && x->st == SG_OK) {
            char m[160];
            snprintf(m, sizeof(m), "malformed XML at line %lu: %s",
                     (unsigned long)XML_GetCurrentLineNumber(x->p),
                     XML_ErrorString(XML_GetErrorCode(x->p)));
            stop(x, SG_E_FORMAT, m);
        }
        if (x->st != SG_OK || last)
            break;
        data += chunk;
        n -= (size_t)chunk;
        if (!n && !final)
            break;
    }
    current = saved;
    return x->st;
}

void sgi_xml_abort(sg_status st, const char *msg)
{
    if (current)
        stop(current, st, msg);
}

static sg_status xml_sink(void *opaque, const char *data, size_t n)
{
    return feed(opaque, data, n, false);
}

/* A member's parse error, for the file's report. */
static void member_error(sgi_zip *z, size_t i, const sgi_xml *x)
{
    if (x->st != SG_OK && z->status == SG_OK) {
        z->status = x->st;
        snprintf(z->error, sizeof(z->error), "%s: %s", sgi_zip_name(z, i), x->msg);
    }
}

sg_status sgi_xml_member(sgi_zip *z, size_t i, const sgi_xml_handlers *h, void *opaque)
{
    sgi_xml x;
    if (!xml_init(&x, h, opaque))
        return SG_E_NOMEM;
    x.ctx = z->ctx;
    sg_status st = sgi_zip_stream(z, i, xml_sink, &x);
    if (st == SG_OK)
        st = feed(&x, "", 0, true);
    member_error(z, i, &x);
    XML_ParserFree(x.p);
    return st != SG_OK ? st : x.st;
}

sg_status sgi_xml_buffer(const char *buf, size_t len, const sgi_xml_handlers *h, void *opaque,
                         char *err, size_t errlen)
{
    sgi_xml x;
    if (!xml_init(&x, h, opaque))
        return SG_E_NOMEM;
    sg_status st = feed(&x, buf, len, true);
    if (st != SG_OK && err)
        snprintf(err, errlen, "%s", x.msg);
    XML_ParserFree(x.p);
    return st;
}

/* ------------------------------------------------------------ fast path
 *
 * A worksheet of a million rows is 300 MB of XML of one simple shape
 * (<row><c r="A1" t="s"><v>0</v></c>...), and expat took 40% of such a
 * scan, more than inflating it. sgi_xml_member_fast reads the XML that
 * spreadsheet writers emit with a tokenizer made for it, and calls the
 * same handlers with the same arguments as the expat path (local names,
 * prefixed attribute names, entities and character references decoded).
 *
 * It keeps expat's rules that matter here: tags must nest and match,
 * attributes be quoted, entities be the five predefined ones or
 * character references (anything else is an error, so no entity can
 * expand), depth is capped; damaged XML is an error, never a guess. What
 * it does not take on, it leaves to expat before any handler runs: a
 * document type declaration, an encoding other than UTF-8 or ASCII, a
 * UTF-16 byte order mark. Line ends are normalised as XML wants (CR LF
 * and CR are LF; whitespace in attribute values a space). It does not
 * check that names and text are valid UTF-8 or that names use XML's name
 * characters (the detectors take any bytes): expat refuses such
 * documents, this path reads them.
 *
 * Input arrives in chunks; a token cut by a chunk's end is carried over
 * (at most FAST_MAX_TOKEN bytes: a longer tag is refused). */

#define FAST_MAX_TOKEN (1u << 20)
#define FAST_MAX_ATTRS 256

typedef struct fastx {
    sgi_xml *x;
    const sgi_mem *mem;
    char *carry;
    size_t ncarry, capcarry;
    char *scratch; /* a tag's names and values, NUL-terminated */
    size_t capscratch;
    const char *attrs[2 * FAST_MAX_ATTRS + 1];
    char *stack; /* open elements' qualified names, NUL-terminated */
    size_t nstack, capstack;
    size_t open[MAX_DEPTH + 1]; /* where each starts in stack */
    bool started;               /* a handler has been called */
    bool fallback;              /* leave this document to expat */
    bool root_done;
    bool at_start;
    bool after_cr; /* the last text byte was a CR, made a line feed */
    unsigned long long pos; /* bytes before the current buffer */
} fastx;

static bool fx_fail(fastx *f, sg_status st, const char *what, size_t at)
{
    char m[160];
    snprintf(m, sizeof(m), "malformed XML at byte %llu: %s", f->pos + at, what);
    stop(f->x, st, m);
    return false;
}

static bool fx_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Names and values in a spreadsheet are a few bytes long: copying,
 * comparing and searching them inline beats a call into libc for each
 * (those calls were a fifth of the tokenizer's time). */
static inline void fx_copy(char *d, const char *s, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
    } else if (n < 4) {
        if (n > 0)
            d[0] = s[0];
        if (n > 1)
            d[1] = s[1];
        if (n > 2)
            d[2] = s[2];
    } else {
        memcpy(d, s, n);
    }
}

static inline bool fx_same(const char *a, const char *b, size_t n)
{
    if (n > 16)
        return memcmp(a, b, n) == 0;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* The first c in p[0..n), or NULL: sixteen bytes compared at once, then
 * memchr (whose set-up costs more than most of these searches: a cell's
 * value, an attribute's quote). */
static inline const char *fx_find_byte(const char *p, char c, size_t n)
{
    size_t k = 0;
#if defined(__SSE2__)
    const __m128i vc = _mm_set1_epi8(c);
    for (; k < 32 && k + 16 <= n; k += 16) {
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + k)), vc));
        if (m)
            return p + k + __builtin_ctz(m);
    }
#endif
    for (; k < n && k < 32; k++)
        if (p[k] == c)
            return p + k;
    return k < n ? memchr(p + k, c, n - k) : NULL;
}

/* Decode the reference at p (p[0] == '&', ';' at p + n - 1) into out (up
 * to 4 bytes); its length, or 0 if it is no reference XML allows here. */
static size_t fx_entity(const char *p, size_t n, char *out)
{
    if (n == 4 && memcmp(p, "&lt;", 4) == 0)
        return out[0] = '<', 1;
    if (n == 4 && memcmp(p, "&gt;", 4) == 0)
        return out[0] = '>', 1;
    if (n == 5 && memcmp(p, "&amp;", 5) == 0)
        return out[0] = '&', 1;
    if (n == 6 && memcmp(p, "&quot;", 6) == 0)
        return out[0] = '"', 1;
    if (n == 6 && memcmp(p, "&apos;", 6) == 0)
        return out[0] = '\'', 1;
    if (n < 4 || p[1] != '#')
        return 0;
    unsigned long c = 0;
    size_t i = 2;
    bool hex = p[2] == 'x';
    if (hex)
        i++;
    if (i >= n - 1)
        return 0;
    for (; i < n - 1; i++) {
        unsigned char d = (unsigned char)p[i];
        unsigned v = d >= '0' && d <= '9'   ? d - '0'
                     : hex && (d | 32) >= 'a' && (d | 32) <= 'f' ? (d | 32) - 'a' + 10
                                                                  : 99;
        if (v == 99 || c > 0x10FFFF)
            return 0;
        c = c * (hex ? 16 : 10) + v;
    }
    if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) ||
        (c < 0x20 && c != 9 && c != 10 && c != 13) || c == 0xFFFE || c == 0xFFFF)
        return 0;
    return sgi_utf8_put(out, (uint32_t)c);
}

/* The reference at p[at] ('&'), its ';' before end: decoded into out (4
 * bytes), *n of them; the offset past it, or 0 if it is none. */
static size_t fx_ref(const char *p, size_t at, size_t end, char *out, size_t *n)
{
    const char *semi = memchr(p + at, ';', end - at < 12 ? end - at : 12);
    *n = semi ? fx_entity(p + at, (size_t)(semi - p) - at + 1, out) : 0;
    return *n ? (size_t)(semi - p) + 1 : 0;
}

static void fx_text_raw(fastx *f, const char *s, size_t n)
{
    while (n && f->x->st == SG_OK) {
        int k = n > (1u << 30) ? 1 << 30 : (int)n;
        f->x->h->text(f->x->opaque, s, k);
        s += k;
        n -= (size_t)k;
    }
}

/* Text to the handler, line ends made line feeds as XML wants (CR LF and
 * a lone CR are LF). */
static void fx_text_out(fastx *f, const char *s, size_t n)
{
    if (!n || !f->x->h->text)
        return;
    f->started = true;
    if (f->after_cr && s[0] == '\n')
        s++, n--;
    f->after_cr = false;
    const char *cr;
    while (n && (cr = fx_find_byte(s, '\r', n)) != NULL) {
        fx_text_raw(f, s, (size_t)(cr - s));
        fx_text_raw(f, "\n", 1);
        n -= (size_t)(cr - s) + 1;
        s = cr + 1;
        if (n && s[0] == '\n')
            s++, n--;
        else if (!n)
            f->after_cr = true;
    }
    fx_text_raw(f, s, n);
}

/* Text from an entity or CDATA: no line-end folding across it. */
static void fx_text_lit(fastx *f, const char *s, size_t n)
{
    f->after_cr = false;
    if (n && f->x->h->text) {
        f->started = true;
        fx_text_raw(f, s, n);
    }
}

/* Text from p[i] to p[end] (a '<' or the buffer's end). Returns where it
 * stopped: end, or an '&' whose reference the buffer cuts (more to come),
 * or SIZE_MAX after an error. */
static size_t fx_text(fastx *f, const char *p, size_t i, size_t end, bool more)
{
    unsigned depth = f->x->depth;
    while (i < end) {
        const char *amp = fx_find_byte(p + i, '&', end - i);
        size_t stop_at = amp ? (size_t)(amp - p) : end;
        if (depth) {
            fx_text_out(f, p + i, stop_at - i);
        } else {
            for (size_t k = i; k < stop_at; k++)
                if (!fx_ws(p[k]))
                    return fx_fail(f, SG_E_FORMAT, "text outside the root element", k), SIZE_MAX;
        }
        if (f->x->st != SG_OK)
            return SIZE_MAX;
        if (!amp)
            return end;
        i = stop_at;
        if (more && end - i < 12 && !memchr(p + i, ';', end - i))
            return i; /* cut by the chunk */
        char out[4];
        size_t n, after = fx_ref(p, i, end, out, &n);
        if (!after || !depth)
            return fx_fail(f, SG_E_FORMAT, "undefined entity", i), SIZE_MAX;
        fx_text_lit(f, out, n);
        if (f->x->st != SG_OK)
            return SIZE_MAX;
        i = after;
    }
    return end;
}

/* Byte classes: what ends a name (space, / > = < " ' &), and what a
 * value's plain run stops at. */
#define C_NAME_END 1
#define C_VALUE 2 /* & < and whitespace in an attribute value */
static const unsigned char fx_class[256] = {
    [' '] = C_NAME_END | C_VALUE, ['\t'] = C_NAME_END | C_VALUE,
    ['\n'] = C_NAME_END | C_VALUE, ['\r'] = C_NAME_END | C_VALUE,
    ['/'] = C_NAME_END, ['>'] = C_NAME_END, ['='] = C_NAME_END,
    ['<'] = C_NAME_END | C_VALUE, ['"'] = C_NAME_END, ['\''] = C_NAME_END,
    ['&'] = C_NAME_END | C_VALUE,
};

/* Where the name starting at p[k] ends (n if the buffer ends first). */
static size_t fx_name_end(const char *p, size_t k, size_t n)
{
    while (k < n && !(fx_class[(unsigned char)p[k]] & C_NAME_END))
        k++;
    return k;
}

/* An element has closed: its end handler, and the root's end noted. */
static void fx_closed(fastx *f, const char *local)
{
    sgi_xml *x = f->x;
    x->depth--;
    if (x->st == SG_OK && x->h->end)
        x->h->end(x->opaque, local);
    if (!x->depth)
        f->root_done = true;
}

/* A token the buffer cuts: more to come, or (at the end) an error. */
static size_t fx_cut(fastx *f, size_t i, bool more)
{
    if (more)
        return i;
    fx_fail(f, SG_E_FORMAT, "unclosed token", i);
    return SIZE_MAX;
}

enum { FX_ERROR = -1, FX_MORE = 0, FX_DONE = 1 };

/* A start tag from p[i] ('<'), its end found on the way (values may hold
 * '>'): FX_DONE with *next past it, FX_MORE if the buffer ends first. */
static int fx_start(fastx *f, const char *p, size_t i, size_t n, size_t *next)
{
    sgi_xml *x = f->x;
    /* names and values go to scratch; offsets until it stops growing */
    size_t off[2 * FAST_MAX_ATTRS], alen[FAST_MAX_ATTRS];
    size_t o = 0;
    size_t ns = i + 1, k = fx_name_end(p, ns, n);
    if (k == n)
        return FX_MORE;
    if (k == ns)
        return fx_fail(f, SG_E_FORMAT, "not well-formed (invalid token)", i), FX_ERROR;
    size_t qlen = k - ns;
#define NEED(m)                                                                            \
    do {                                                                                   \
        if (o + (m) > f->capscratch) {                                                     \
            if (!sgi_grow(f->mem, (void **)&f->scratch, &f->capscratch, o + (m), 1))       \
                return fx_fail(f, SG_E_NOMEM, "out of memory", i), FX_ERROR;               \
        }                                                                                  \
    } while (0)
    NEED(qlen + 1);
    fx_copy(f->scratch, p + ns, qlen);
    f->scratch[qlen] = '\0';
    o = qlen + 1;
    size_t na = 0;
    bool empty = false;
    for (;;) {
        bool gap = false;
        while (k < n && fx_ws(p[k]))
            k++, gap = true;
        if (k == n)
            return FX_MORE;
        if (p[k] == '>')
            break;
        if (p[k] == '/') {
            if (k + 1 == n)
                return FX_MORE;
            if (p[k + 1] != '>')
                return fx_fail(f, SG_E_FORMAT, "not well-formed (invalid token)", k), FX_ERROR;
            empty = true;
            k++;
            break;
        }
        if (!gap)
            return fx_fail(f, SG_E_FORMAT, "not well-formed (invalid token)", k), FX_ERROR;
        size_t an = k;
        k = fx_name_end(p, k, n);
        if (k == n)
            return FX_MORE;
        if (k == an)
            return fx_fail(f, SG_E_FORMAT, "not well-formed (invalid token)", k), FX_ERROR;
        if (na == FAST_MAX_ATTRS)
            return fx_fail(f, SG_E_LIMIT, "too many attributes", k), FX_ERROR;
        size_t anl = k - an;
        while (k < n && fx_ws(p[k]))
            k++;
        if (k < n && p[k] != '=')
            return fx_fail(f, SG_E_FORMAT, "not well-formed (invalid token)", k), FX_ERROR;
        k++;
        while (k < n && fx_ws(p[k]))
            k++;
        if (k >= n)
            return FX_MORE;
        if (p[k] != '"' && p[k] != '\'')
            return fx_fail(f, SG_E_FORMAT, "not well-formed (invalid token)", k), FX_ERROR;
        char q = p[k++];
        const char *e = fx_find_byte(p + k, q, n - k);
        if (!e)
            return FX_MORE;
        size_t vend = (size_t)(e - p);
        /* the name, refused if the tag has it already */
        NEED(anl + 1 + (vend - k) + 1);
        char *sc = f->scratch;
        for (size_t d = 0; d < na; d++)
            if (alen[d] == anl && fx_same(sc + off[2 * d], p + an, anl))
                return fx_fail(f, SG_E_FORMAT, "duplicate attribute", an), FX_ERROR;
        off[2 * na] = o;
        alen[na] = anl;
        fx_copy(sc + o, p + an, anl);
        sc[o + anl] = '\0';
        o += anl + 1;
        off[2 * na + 1] = o;
        /* the value: plain runs copied whole; references decoded,
         * whitespace made spaces (CR LF one space) */
        while (k < vend) {
            size_t r = k;
            while (r < vend && !(fx_class[(unsigned char)p[r]] & C_VALUE))
                r++;
            fx_copy(sc + o, p + k, r - k);
            o += r - k;
            if (r == vend) {
                k = r;
                break;
            }
            char c = p[r];
            if (c == '<')
                return fx_fail(f, SG_E_FORMAT, "not well-formed (invalid token)", r), FX_ERROR;
            if (c == '&') {
                size_t dn;
                k = fx_ref(p, r, vend, sc + o, &dn); /* decoded no longer than written */
                if (!k)
                    return fx_fail(f, SG_E_FORMAT, "undefined entity", r), FX_ERROR;
                o += dn;
            } else {
                if (!(c == '\r' && r + 1 < vend && p[r + 1] == '\n'))
                    sc[o++] = ' ';
                k = r + 1;
            }
        }
        f->scratch[o++] = '\0';
        k = vend + 1;
        na++;
    }
#undef NEED
    *next = k + 1;
    for (size_t d = 0; d < 2 * na; d++)
        f->attrs[d] = f->scratch + off[d];
    f->attrs[2 * na] = NULL;
    const char *qname = f->scratch;
    if (f->root_done)
        return fx_fail(f, SG_E_FORMAT, "junk after the document element", i), FX_ERROR;
    if (!element_allowed(x))
        return FX_ERROR;
    f->started = true;
    if (!empty) {
        if (f->nstack + qlen + 1 > f->capstack &&
            !sgi_grow(f->mem, (void **)&f->stack, &f->capstack, f->nstack + qlen + 1, 1))
            return fx_fail(f, SG_E_NOMEM, "out of memory", i), FX_ERROR;
        f->open[x->depth] = f->nstack;
        fx_copy(f->stack + f->nstack, qname, qlen + 1);
        f->nstack += qlen + 1;
    }
    x->depth++;
    const char *local = sgi_xml_local(qname);
    if (x->h->start)
        x->h->start(x->opaque, local, f->attrs);
    if (empty)
        fx_closed(f, local);
    return x->st == SG_OK ? FX_DONE : FX_ERROR;
}

/* An end tag p[i..gt] (gt: its '>'). */
static bool fx_end(fastx *f, const char *p, size_t i, size_t gt)
{
    sgi_xml *x = f->x;
    size_t ns = i + 2, k = fx_name_end(p, ns, gt);
    size_t qlen = k - ns;
    while (k < gt && fx_ws(p[k]))
        k++;
    if (!qlen || k != gt)
        return fx_fail(f, SG_E_FORMAT, "not well-formed (invalid token)", i);
    if (!x->depth)
        return fx_fail(f, SG_E_FORMAT, "mismatched tag", i);
    /* the open element's name is the last on the stack */
    const char *top = f->stack + f->open[x->depth - 1];
    size_t toplen = f->nstack - f->open[x->depth - 1] - 1;
    if (toplen != qlen || !fx_same(top, p + ns, qlen))
        return fx_fail(f, SG_E_FORMAT, "mismatched tag", i);
    f->nstack = f->open[x->depth - 1]; /* the name stays there until the next push */
    fx_closed(f, sgi_xml_local(top));
    return x->st == SG_OK;
}

/* The XML declaration: leave other encodings to expat. */
static void fx_decl(fastx *f, const char *p, size_t i, size_t end)
{
    const char *e = NULL;
    for (size_t k = i; k + 8 < end; k++)
        if (memcmp(p + k, "encoding", 8) == 0) {
            e = p + k + 8;
            break;
        }
    if (!e)
        return;
    while (e < p + end && (fx_ws(*e) || *e == '='))
        e++;
    if (e >= p + end || (*e != '"' && *e != '\''))
        return;
    e++;
    static const char *const ok[] = {"UTF-8", "UTF8", "US-ASCII", "ASCII"};
    for (size_t k = 0; k < SGI_ARRAY_LEN(ok); k++) {
        size_t n = strlen(ok[k]);
        if ((size_t)(p + end - e) > n && strncasecmp(e, ok[k], n) == 0 && (e[n] == '"' || e[n] == '\''))
            return;
    }
    f->fallback = true;
}

static const char *fx_find(const char *p, size_t i, size_t n, const char *what)
{
    return memmem(p + i, n - i, what, strlen(what));
}

/* Tokens of p[0..n); returns how many bytes it used (the rest is an
 * unfinished token), or SIZE_MAX to stop (error or fallback). */
static size_t fx_run(fastx *f, const char *p, size_t n, bool more)
{
    size_t i = 0;
    if (f->at_start) {
        if (n < 3 && more)
            return 0;
        if (n >= 2 && ((unsigned char)p[0] == 0xFE || (unsigned char)p[0] == 0xFF)) {
            f->fallback = true; /* UTF-16 */
            return SIZE_MAX;
        }
        if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
            i = 3;
        f->at_start = false;
    }
    while (i < n) {
        if (p[i] != '<') {
            const char *lt = fx_find_byte(p + i, '<', n - i);
            size_t end = lt ? (size_t)(lt - p) : n;
            size_t r = fx_text(f, p, i, end, more && !lt);
            if (r == SIZE_MAX)
                return SIZE_MAX;
            if (r < end)
                return r;
            i = end;
            continue;
        }
        if (n - i < 9 && more)
            return i; /* "<![CDATA[" and friends need their first bytes */
        /* a CR that ended the text before markup was a whole line end:
         * a LF after the markup is another (found by fuzz_xmlfast) */
        f->after_cr = false;
        char c = i + 1 < n ? p[i + 1] : 0;
        if (c == '/') {
            const char *gt = fx_find_byte(p + i, '>', n - i);
            if (!gt)
                return fx_cut(f, i, more);
            if (!fx_end(f, p, i, (size_t)(gt - p)))
                return SIZE_MAX;
            i = (size_t)(gt - p) + 1;
        } else if (c == '?') {
            const char *e = fx_find(p, i + 2, n, "?>");
            if (!e)
                return fx_cut(f, i, more);
            size_t end = (size_t)(e - p);
            if (!f->started && !f->x->depth && end > i + 5 && memcmp(p + i, "<?xml", 5) == 0 &&
                fx_ws(p[i + 5])) {
                fx_decl(f, p, i, end);
                if (f->fallback)
                    return SIZE_MAX;
            }
            i = end + 2;
        } else if (c == '!') {
            if (n - i >= 4 && memcmp(p + i, "<!--", 4) == 0) {
                /* "--" may only end a comment */
                const char *e = fx_find(p, i + 4, n, "--");
                if (!e || (size_t)(e - p) + 2 >= n)
                    return fx_cut(f, i, more);
                if (e[2] != '>')
                    return fx_fail(f, SG_E_FORMAT, "not well-formed (invalid token)", i), SIZE_MAX;
                i = (size_t)(e - p) + 3;
            } else if (n - i >= 9 && memcmp(p + i, "<![CDATA[", 9) == 0) {
                const char *e = fx_find(p, i + 9, n, "]]>");
                if (!e)
                    return fx_cut(f, i, more);
                if (!f->x->depth)
                    return fx_fail(f, SG_E_FORMAT, "CDATA outside the root element", i), SIZE_MAX;
                fx_text_out(f, p + i + 9, (size_t)(e - p) - i - 9);
                if (f->x->st != SG_OK)
                    return SIZE_MAX;
                i = (size_t)(e - p) + 3;
            } else if (!f->started && !f->x->depth) {
                f->fallback = true; /* <!DOCTYPE ...: expat's business */
                return SIZE_MAX;
            } else {
                return fx_fail(f, SG_E_FORMAT, "not well-formed (invalid token)", i), SIZE_MAX;
            }
        } else {
            size_t next = 0;
            int r = fx_start(f, p, i, n, &next);
            if (r == FX_ERROR)
                return SIZE_MAX;
            if (r == FX_MORE)
                return fx_cut(f, i, more);
            i = next;
        }
    }
    return i;
}

static sg_status fast_feed(fastx *f, const char *data, size_t n, bool final)
{
    sgi_xml *saved = current;
    current = f->x;
    if (f->ncarry) {
        if (!sgi_grow(f->mem, (void **)&f->carry, &f->capcarry, f->ncarry + n, 1)) {
            fx_fail(f, SG_E_NOMEM, "out of memory", 0);
        } else {
            memcpy(f->carry + f->ncarry, data, n);
            n += f->ncarry;
            data = f->carry;
            f->ncarry = 0;
        }
    }
    if (f->x->st == SG_OK) {
        size_t used = fx_run(f, data, n, !final);
        if (used != SIZE_MAX && used < n) {
            if (n - used > FAST_MAX_TOKEN) {
                fx_fail(f, SG_E_LIMIT, "an XML token longer than 1 MiB", used);
            } else if (data == f->carry) {
                memmove(f->carry, f->carry + used, n - used);
                f->ncarry = n - used;
            } else if (sgi_grow(f->mem, (void **)&f->carry, &f->capcarry, n - used, 1)) {
                memcpy(f->carry, data + used, n - used);
                f->ncarry = n - used;
            } else {
                fx_fail(f, SG_E_NOMEM, "out of memory", used);
            }
        }
        f->pos += used == SIZE_MAX ? 0 : used;
        if (final && f->x->st == SG_OK && !f->fallback) {
            if (f->x->depth || !f->root_done)
                fx_fail(f, SG_E_FORMAT, f->x->depth ? "unclosed element" : "no element found", 0);
        }
    }
    current = saved;
    if (f->fallback)
        return SG_E_ABORTED;
    return f->x->st;
}

static sg_status fast_sink(void *opaque, const char *data, size_t n)
{
    return fast_feed(opaque, data, n, false);
}

static fastx *fast_new(sgi_xml *x, const sgi_mem *mem, const sgi_xml_handlers *h, void *opaque)
{
    memset(x, 0, sizeof(*x));
    x->h = h;
    x->opaque = opaque;
    fastx *f = sgi_calloc(mem, 1, sizeof(*f));
    if (f) {
        f->x = x;
        f->mem = mem;
        f->at_start = true;
    }
    return f;
}

/* Frees f; whether the document was left to expat. */
static bool fast_free(fastx *f)
{
    bool fallback = f->fallback;
    sgi_free(f->mem, f->carry);
    sgi_free(f->mem, f->scratch);
    sgi_free(f->mem, f->stack);
    sgi_free(f->mem, f);
    return fallback;
}

sg_status sgi_xml_member_fast(sgi_zip *z, size_t i, const sgi_xml_handlers *h, void *opaque)
{
    sgi_xml x;
    fastx *f = fast_new(&x, z->ctx->mem, h, opaque);
    if (!f)
        return SG_E_NOMEM;
    x.ctx = z->ctx;
    unsigned long long inflated = z->ctx->res->inflated;
    sg_status st = sgi_zip_stream(z, i, fast_sink, f);
    if (st == SG_OK)
        st = fast_feed(f, "", 0, true);
    if (fast_free(f)) {
        /* nothing was handed to the handlers yet: start again with expat */
        z->ctx->res->inflated = inflated;
        return sgi_xml_member(z, i, h, opaque);
    }
    member_error(z, i, &x);
    return st != SG_OK ? st : x.st;
}

sg_status sgi_xml_buffer_fast(const char *buf, size_t len, size_t chunk,
                              const sgi_xml_handlers *h, void *opaque, char *err, size_t errlen)
{
    sgi_mem mem;
    sgi_mem_init(&mem, NULL);
    sgi_xml x;
    fastx *f = fast_new(&x, &mem, h, opaque);
    if (!f)
        return SG_E_NOMEM;
    sg_status st = SG_OK;
    size_t step = chunk ? chunk : len;
    for (size_t o = 0; o < len && st == SG_OK; o += step)
        st = fast_feed(f, buf + o, len - o < step ? len - o : step, false);
    if (st == SG_OK)
        st = fast_feed(f, "", 0, true);
    if (fast_free(f))
        return sgi_xml_buffer(buf, len, h, opaque, err, errlen);
    if (st != SG_OK && err)
        snprintf(err, errlen, "%s", x.msg);
    return st;
}
