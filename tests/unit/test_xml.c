/*
 * test_xml.c - the fast XML path (xml.c, sgi_xml_buffer_fast) held to
 * expat: the same events (start with attributes, end, text) for documents
 * both accept, fed whole and in chunks of every small size (tokens cut
 * anywhere); an error wherever expat refuses for a reason the fast path
 * takes on (nesting, quoting, entities, junk); expat's result where the
 * fast path hands over (DOCTYPE, UTF-16, other encodings). Hand-written
 * cases first, then 2,000 generated documents.
 */
#include "unit.h"

#include "../fuzz/xml_events.h"

/* Both paths on doc; expect_ok: whether both must accept it. */
static void same(const char *doc, size_t len, int expect_ok)
{
    static xml_events a, b;
    const sgi_xml_handlers *H = &xml_events_handlers;
    xev_reset(&a);
    char err[200];
    sg_status sa = sgi_xml_buffer(doc, len, H, &a, err, sizeof(err));
    static const size_t chunks[] = {0, 1, 2, 3, 5, 7, 8, 9, 13, 64};
    for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
        xev_reset(&b);
        sg_status sb = sgi_xml_buffer_fast(doc, len, chunks[c], H, &b, err, sizeof(err));
        if (expect_ok == 1) {
            if (sa != SG_OK || sb != SG_OK)
                fail_msg("chunk %zu: expat %d, fast %d (%s) on: %.*s", chunks[c], sa, sb, err,
                         (int)len, doc);
        } else if (expect_ok == 0) {
            if (sa == SG_OK || sb == SG_OK)
                fail_msg("chunk %zu: expat %d, fast %d: both should refuse: %.*s", chunks[c],
                         sa, sb, (int)len, doc);
        }
        if (sa == SG_OK && sb == SG_OK && strcmp(a.buf, b.buf) != 0)
            fail_msg("chunk %zu: events differ on %.*s\nexpat:%s\nfast:%s", chunks[c], (int)len,
                     doc, a.buf, b.buf);
        if (sa != SG_OK && sb == SG_OK)
            fail_msg("chunk %zu: fast accepted what expat refused: %.*s", chunks[c], (int)len,
                     doc);
    }
}

#define OK(s) same(s, sizeof(s) - 1, 1)
#define BAD(s) same(s, sizeof(s) - 1, 0)

static void hand_written(void **state)
{
    (void)state;
    OK("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
       "<worksheet xmlns=\"http://x\" xmlns:r=\"http://r\"><sheetData>"
       "<row r=\"1\" spans=\"1:3\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
       "<c r=\"B1\" s=\"2\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> a &amp; b </t></is></c>"
       "<c r=\"C1\"><f>SUM(A1:B1)&gt;0</f><v>1</v></c></row></sheetData>"
       "<hyperlinks><hyperlink ref=\"A1\" r:id=\"rId1\"/></hyperlinks></worksheet>");
    OK("\xEF\xBB\xBF<a>x</a>");                               /* byte order mark */
    OK("<a b='1' c = \"2\"\n d\t=\t'&lt;&#65;&#x42;&quot;&apos;'>t</a>"); /* quoting, refs */
    OK("<a b=\"x>y\" c='q\"r'>1 &gt; 0</a>");                  /* > and " inside values */
    OK("<a b=\"l1\r\nl2\tl3\nl4\">x</a>");                     /* attribute normalisation */
    OK("<a>one\r\ntwo\rthree\n\rfour</a>");                      /* line ends in text */
    OK("<a><b>u\r</b>\n\r\nv\r<!--c-->\nw</a>"); /* a CR before markup, a LF after it */
    OK("<a>&#13;&#10;kept&#x9;</a>");                            /* references are not line ends */
    OK("<a><![CDATA[<not a tag> & ]] ]>]]>after</a>");           /* CDATA */
    OK("<!-- before --><a><!-- in - side -->x<?pi data?>y</a><!-- after -->\n");
    OK("<x:a xmlns:x=\"u\"><x:b/><x:c></x:c ></x:a>");           /* prefixes, spaces */
    OK("<a>\xC3\xA9\xE2\x80\x99 &#233;&#x1F600;</a>");           /* UTF-8, astral */
    OK("<a/>");
    OK("<?xml version=\"1.0\"?><!DOCTYPE a><a>x</a>");           /* to expat */
    OK("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>e</a>"); /* to expat (which reads UTF-8) */
    OK("\xFF\xFE<\0a\0/\0>\0");                                  /* UTF-16: to expat */

    BAD("<a><b></a></b>");     /* mismatched */
    BAD("<a><b></a>");
    BAD("<a></abcdefghijklmnopqrstuvwxyz>"); /* an end tag longer than the open name */
    BAD("<abc></ab>");
    BAD("<a>");                /* unclosed */
    BAD("<a></a><b/>");        /* junk after the root */
    BAD("x<a/>");              /* text outside */
    BAD("<a>&foo;</a>");       /* undefined entity */
    BAD("<a>&#0;</a>");        /* no such character */
    BAD("<a>&#xD800;</a>");
    BAD("<a>&amp</a>");
    BAD("<a b=1/>");           /* unquoted */
    BAD("<a b=\"1\"c=\"2\"/>"); /* no space between attributes */
    BAD("<a b=\"<\"/>");
    BAD("<a b=\"&x;\"/>");
    BAD("<a><!-- x");
    BAD("<a><![CDATA[x</a>");
    BAD("<a></ a>");
    BAD("");
    BAD("<a><!ELEMENT b></a>");
}

/* A random document of the kinds of things office writers put in XML. */
static size_t gen(unsigned *seed, char *out, size_t cap)
{
#define R(n) ((*seed = *seed * 1103515245u + 12345u) >> 16) % (n)
    static const char *const names[] = {"c", "row", "v", "t", "x:si", "r:rel", "is", "f"};
    static const char *const texts[] = {"Smith", " ", "&amp;", "&lt;b&gt;", "&#233;", "\r\n",
                                        "<![CDATA[a<b]]>", "<!--c-->", "12.5", "&quot;x&apos;"};
    static const char *const attrs[] = {" r=\"A1\"", " t='s'", " s=\"&amp;1\"", "\n x:y = \"z\"",
                                        " v=\"a&#10;b\"", " q='\"'"};
    const char *stack[32];
    size_t depth = 0, o = 0;
    o += (size_t)snprintf(out + o, cap - o, "%s<root>", R(2) ? "<?xml version=\"1.0\"?>\n" : "");
    for (int step = 0; step < 60 && o + 200 < cap; step++) {
        unsigned k = R(4);
        if (k == 0 && depth < 30) {
            const char *n = names[R(8)];
            o += (size_t)snprintf(out + o, cap - o, "<%s", n);
            unsigned used = 0;
            for (unsigned a = R(3); a; a--) {
                unsigned w = R(6);
                if (!(used & 1u << w)) /* no attribute twice */
                    o += (size_t)snprintf(out + o, cap - o, "%s", attrs[w]);
                used |= 1u << w;
            }
            if (R(4) == 0) {
                o += (size_t)snprintf(out + o, cap - o, "/>");
            } else {
                o += (size_t)snprintf(out + o, cap - o, ">");
                stack[depth++] = n;
            }
        } else if (k == 1 && depth) {
            o += (size_t)snprintf(out + o, cap - o, "</%s>", stack[--depth]);
        } else {
            o += (size_t)snprintf(out + o, cap - o, "%s", texts[R(10)]);
        }
    }
    while (depth)
        o += (size_t)snprintf(out + o, cap - o, "</%s>", stack[--depth]);
    o += (size_t)snprintf(out + o, cap - o, "</root>");
    return o;
#undef R
}

static void generated(void **state)
{
    (void)state;
    char doc[16384];
    unsigned seed = 7;
    for (int i = 0; i < 2000; i++) {
        size_t n = gen(&seed, doc, sizeof(doc));
        same(doc, n, 1);
        /* the same document damaged: cut short, or a byte changed */
        size_t cut = n / 2 + (size_t)(i % 17);
        same(doc, cut < n ? cut : n - 1, -1);
        char saved = doc[n / 3];
        doc[n / 3] = "<>&\"'/x"[i % 7];
        same(doc, n, -1);
        doc[n / 3] = saved;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_written),
        cmocka_unit_test(generated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
