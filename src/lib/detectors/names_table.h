/*
 * names_table.h - the layout of the compiled name table, shared by its
 * generator (src/gen/mknames.c, run by make) and its reader (names.c).
 *
 * The name lists of data/names/ hold 128,000 names and 63,000 English
 * words. Hashing them when an engine is compiled cost 30-40 ms, most of a
 * small scan's run; make now hashes them once, into a blob that the
 * library embeds (names_data.S) and uses in place: an engine's start-up
 * touches none of it, and a scan faults in only the pages it looks at.
 *
 * Blob: a header, then 4-byte aligned arrays at the header's offsets:
 *   recs    mask + 1 name records (sgi_name_rec), one per name (any case),
 *           in the table's slots: open addressing on sgi_names_hash of the
 *           ASCII-lower-cased name, linear probing, len 0 an empty slot. A
 *           record in its slot (not an index to it) saves a lookup one of
 *           its three cache misses: 7% of a staff list's scan was lookups.
 *   wslots  wmask + 1 uint32: 1 + the offset in pool of an English word
 *   pool    names as first listed (original case) and words, each word as
 *           one length byte and its letters
 * Host and target are the same machine (native byte order and layout).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef SGI_NAMES_TABLE_H
#define SGI_NAMES_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define SGI_NAMES_MAGIC 0x324e4753u /* "SGN2" */

/* flags of a name record */
#define SGI_NAME_FIRST 1u
#define SGI_NAME_LAST 2u

typedef struct sgi_name_rec {
    uint32_t s; /* offset of the name in pool */
    uint16_t len;
    uint8_t flags;    /* SGI_NAME_FIRST, SGI_NAME_LAST */
    uint8_t weak;     /* 0 a name; 1 also a word; 2 a word often capitalised */
    uint32_t births;  /* first name: births 1996-2024 */
    uint32_t per100k; /* surname: per 100,000 people */
} sgi_name_rec;

typedef struct sgi_names_blob {
    uint32_t magic;
    uint32_t size; /* of the whole blob */
    uint32_t n, mask, wmask; /* n names */
    uint32_t recs, wslots, pool, pool_len; /* offsets from the blob's start */
} sgi_names_blob;

/* ASCII lower case of every byte (a load: it is asked per letter of every
 * word looked up) */
static const unsigned char sgi_names_lower[256] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
    32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
    48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63,
    64, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
    112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 91, 92, 93, 94, 95,
    96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
    112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127,
    128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143,
    144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159,
    160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175,
    176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191,
    192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207,
    208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223,
    224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239,
    240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255,
};

static inline unsigned char sgi_names_low(unsigned char c)
{
    return sgi_names_lower[c];
}

/* FNV-1a of the ASCII-lower-cased bytes; the bytes OR-ed into *bits */
static inline uint64_t sgi_names_hash_bits(const char *s, size_t n, unsigned *bits)
{
    uint64_t h = 1469598103934665603ULL;
    unsigned any = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        any |= c;
        h ^= sgi_names_low(c);
        h *= 1099511628211ULL;
    }
    *bits = any;
    return h;
}

static inline uint64_t sgi_names_hash(const char *s, size_t n)
{
    unsigned bits;
    return sgi_names_hash_bits(s, n, &bits);
}

#endif
