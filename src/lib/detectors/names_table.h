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
 *   recs    n name records (sgi_name_rec), one per name, any case
 *   slots   mask + 1 uint32: 1 + a record's index, 0 empty (open addressing
 *           on sgi_names_hash of the ASCII-lower-cased name, linear probing)
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

#define SGI_NAMES_MAGIC 0x314e4753u /* "SGN1" */

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
    uint32_t n, mask, wmask;
    uint32_t recs, slots, wslots, pool, pool_len; /* offsets from the blob's start */
} sgi_names_blob;

static inline unsigned char sgi_names_low(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* FNV-1a of the ASCII-lower-cased bytes */
static inline uint64_t sgi_names_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= sgi_names_low((unsigned char)s[i]);
        h *= 1099511628211ULL;
    }
    return h;
}

#endif
