#!/usr/bin/python3
"""Write data/names/ from the open name lists and an English word list.

    /usr/bin/python3 scripts/gen_name_data.py [SHARED_NAMES_DIR]

Inputs (see data/names/SOURCES.md): the ONS first names of births in
England and Wales 1996-2024 and the ONS historic top-100 lists (OGL v3),
the US Census 1990 surnames (public domain), and SCOWL's British English
word list (Debian's wbritish, /usr/share/dict/british-english).

Outputs, compiled into the library (src/lib/detectors/names_data.S):
  first_names.tsv   name, births 1996-2024 (historic top-100 names get a
                    floor so that Doris and Brian count as common)
  surnames.tsv      name, frequency per 100,000 people (US Census 1990)
  english_words.txt the lower-case words of the English word list: a
                    capitalised word that is none of them and follows a
                    first name is likely a surname ("Margie Kassulke")
  common_words.txt  names that are also English words, with how much
                    evidence they need beyond a capital letter: 2 for
                    words often capitalised for other reasons (months,
                    verbs, virtues, place-name parts: "May", "Will",
                    "Hope", "Rose", "Hall", "Lane", "Young"), 1 for the
                    rest of the dictionary ("john", "smith", "baker")
Words that are never names in running text ("The", "Said", "Police",
"Street") are dropped from the name lists.
"""
import os
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "names")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "names")
DICT = "/usr/share/dict/british-english"

# Never names in running text: function words, and words the lists carry
# as rare names that are far commoner as words.
NOT_NAMES = set("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can cannot could did do does doing done down during each few
for from further had has have having he her here hers herself him himself his how i if in into
is it its itself just me more most my myself no nor not now of off on once only or other our
ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why with would you your yours yourself yourselves
said saw went came come gone got get give given take taken told tell asked made make
police court council crown street road avenue lane close drive station report case act
section page date time year month week day today yesterday tomorrow number total name
names surname forename officer officers constable sergeant inspector department unit team
male female man woman men women mr mrs ms miss dr sir madam dear yours sincerely faithfully
regards thank thanks please request response information freedom
january february march april june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
north south east west new old great little upper lower
yes ok okay hi hello
""".split())

# Everyday words that are also common names: a capital letter is not
# enough for these (sentence starts, months, place names, verbs).
CURATED_WEAK = set("""
may will mark bill hope faith grace joy rose lily daisy ivy holly heather iris violet poppy
jasmine hazel olive ruby pearl amber crystal dawn summer autumn winter sky river rain storm
sunny angel star honey april june august frank grant drew chase art guy miles ray rich
sonny val wade lance dean dale glen carol eve pat sue rob kit max penny sandy robin sterling
royal king queen prince duke lord earl baron bishop pope knight major general judge marshal
chancellor mayor sheriff page bell price cash bond best good young long little small short
strong sharp friend love bird fox wolf lamb swan crane hall lane church green hill wood park
field brook bridge ford marsh moor wells well mill mills stone rock bush berry branch forest
banks bank cross gate gates house rivers lake waters white black grey gray gold silver read
reading wise noble gentle hardy blessing victoria albert station
""".split())


def words():
    w = set()
    with open(DICT, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and line.islower() and "'" not in line and len(line) > 1:
                w.add(line)
    return w


def main():
    english = words()
    os.makedirs(OUT, exist_ok=True)
    first = {}
    with open(os.path.join(SRC, "uk_ons_firstnames_all_1996_2024.tsv"), encoding="utf-8") as f:
        for line in f:
            name, count = line.rstrip("\n").split("\t")[:2]
            first[name] = first.get(name, 0) + int(count)
    with open(os.path.join(SRC, "uk_ons_firstnames_top100_1904_2024.tsv"),
              encoding="utf-8") as f:
        for line in f:
            name = line.split("\t")[0]
            first[name] = max(first.get(name, 0), 20000)  # once a top-100 name
    surnames = {}
    with open(os.path.join(SRC, "us_census1990_surnames.tsv"), encoding="utf-8") as f:
        for line in f:
            name, pct = line.rstrip("\n").split("\t")[:2]
            surnames[name] = int(round(float(pct) * 1000))  # per 100,000
    first = {k: v for k, v in first.items() if k.lower() not in NOT_NAMES and len(k) > 1}
    surnames = {k: v for k, v in surnames.items() if k.lower() not in NOT_NAMES and len(k) > 1}
    weak = sorted({n.lower() for n in list(first) + list(surnames)
                   if n.lower() in english or n.lower() in CURATED_WEAK})
    with open(os.path.join(OUT, "first_names.tsv"), "w", encoding="utf-8") as f:
        for k, v in sorted(first.items(), key=lambda kv: (-kv[1], kv[0])):
            f.write("%s\t%d\n" % (k, v))
    with open(os.path.join(OUT, "surnames.tsv"), "w", encoding="utf-8") as f:
        for k, v in sorted(surnames.items(), key=lambda kv: (-kv[1], kv[0])):
            f.write("%s\t%d\n" % (k, v))
    with open(os.path.join(OUT, "english_words.txt"), "w", encoding="utf-8") as f:
        for w in sorted(english):
            if w.isascii() and w.isalpha():
                f.write(w + "\n")
    with open(os.path.join(OUT, "common_words.txt"), "w", encoding="utf-8") as f:
        for w in weak:
            f.write("%s\t%d\n" % (w, 2 if w in CURATED_WEAK else 1))
    print("first names %d, surnames %d, common words %d" % (len(first), len(surnames),
                                                           len(weak)))


if __name__ == "__main__":
    main()
