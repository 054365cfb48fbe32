/*
 * names_data.S - the name lists of data/names/, embedded as they are
 * (read by names.c when an engine is compiled). Paths are relative to the
 * top of the tree, where make runs.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
    .section .rodata
    .global sgi_names_first
    .global sgi_names_first_end
    .global sgi_names_last
    .global sgi_names_last_end
    .global sgi_names_common
    .global sgi_names_common_end
    .global sgi_names_words
    .global sgi_names_words_end
sgi_names_first:
    .incbin "data/names/first_names.tsv"
sgi_names_first_end:
    .byte 0
sgi_names_last:
    .incbin "data/names/surnames.tsv"
sgi_names_last_end:
    .byte 0
sgi_names_common:
    .incbin "data/names/common_words.txt"
sgi_names_common_end:
    .byte 0
sgi_names_words:
    .incbin "data/names/english_words.txt"
sgi_names_words_end:
    .byte 0
    .section .note.GNU-stack,"",@progbits
