/*
 * names_data.S - the name lists of data/names/, compiled by make into one
 * table (src/gen/mknames.c; layout in names_table.h) and embedded here.
 * NAMES_TABLE is its path from the top of the tree, where make runs.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
    .section .rodata
    .balign 64
    .global sgi_names_blob_start
    .global sgi_names_blob_size
sgi_names_blob_start:
    .incbin NAMES_TABLE
sgi_names_blob_end:
    .balign 8
    /* its length, so that C need not subtract pointers to two objects */
sgi_names_blob_size:
    .quad sgi_names_blob_end - sgi_names_blob_start
    .section .note.GNU-stack,"",@progbits
