/*
 * lazylib_private.h - libarchive, GMime, libgsf and libheif, opened on
 * first use.
 *
 * Three readers' libraries pull in 23 more (libxml2, ICU and libstdc++;
 * GIO and GPGME): linked, loading them cost every run ~10 ms of its
 * ~17 ms of library loading, scanning one small text file included
 * (docs/PERFORMANCE.md); libheif brings x265, libde265, dav1d and aom
 * (10-15 ms). They are opened with dlopen when a reader first needs one,
 * and their functions called through pointers that dlsym filled.
 *
 * A reader includes this header instead of the library's, calls
 * sgi_lazy_archive(), sgi_lazy_gmime(), sgi_lazy_gsf() or sgi_lazy_heif()
 * before its first call into the library (false: the library could not be loaded, the
 * file gets an error), and is otherwise written as against the library
 * itself: each function the readers use is a macro for its pointer here,
 * so macros of the library's headers (GMIME_IS_PART() calls
 * g_mime_part_get_type()) reach the pointers too. A function of one of
 * these libraries that is not listed here is a link error (the libraries
 * are not linked), never a silent direct call.
 *
 * The pointers have the library's own types (__typeof__ of its
 * declarations): a prototype that changes is a compile error here.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef SG_LAZYLIB_PRIVATE_H
#define SG_LAZYLIB_PRIVATE_H

#include <stdbool.h>

#include <archive.h>
#include <archive_entry.h>
#include <gmime/gmime.h>
#include <gsf/gsf-doc-meta-data.h>
#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-input-memory.h>
#include <gsf/gsf-input.h>
#include <gsf/gsf-meta-names.h>
#include <gsf/gsf-msole-utils.h>
#include <gsf/gsf-utils.h>
#include <libheif/heif.h>

/* The sonames opened: the Makefile reads them from the libraries the
 * build found; Debian 12's if it could not. */
#ifndef SGI_ARCHIVE_SONAME
#define SGI_ARCHIVE_SONAME "libarchive.so.13"
#endif
#ifndef SGI_GMIME_SONAME
#define SGI_GMIME_SONAME "libgmime-3.0.so.0"
#endif
#ifndef SGI_GSF_SONAME
#define SGI_GSF_SONAME "libgsf-1.so.114"
#endif
#ifndef SGI_HEIF_SONAME
#define SGI_HEIF_SONAME "libheif.so.1"
#endif

/* The functions the readers call (nm -u of their objects lists them). */
#define SGI_ARCHIVE_FUNCS(X)                                                                       \
    X(archive_entry_filetype)                                                                      \
    X(archive_entry_is_encrypted)                                                                  \
    X(archive_entry_pathname)                                                                      \
    X(archive_entry_pathname_utf8)                                                                 \
    X(archive_error_string)                                                                        \
    X(archive_filter_bytes)                                                                        \
    X(archive_filter_code)                                                                         \
    X(archive_format)                                                                              \
    X(archive_read_data)                                                                           \
    X(archive_read_free)                                                                           \
    X(archive_read_has_encrypted_entries)                                                          \
    X(archive_read_new)                                                                            \
    X(archive_read_next_header)                                                                    \
    X(archive_read_open)                                                                           \
    X(archive_read_open_fd)                                                                        \
    X(archive_read_open_memory)                                                                    \
    X(archive_read_support_filter_all)                                                             \
    X(archive_read_support_format_all)                                                             \
    X(archive_read_support_format_raw)                                                             \
    X(archive_set_error)

#define SGI_GMIME_FUNCS(X)                                                                         \
    X(g_mime_content_type_get_mime_type)                                                           \
    X(g_mime_content_type_is_type)                                                                 \
    X(g_mime_data_wrapper_write_to_stream)                                                         \
    X(g_mime_init)                                                                                 \
    X(g_mime_message_get_addresses)                                                                \
    X(g_mime_message_get_mime_part)                                                                \
    X(g_mime_message_get_subject)                                                                  \
    X(g_mime_message_part_get_message)                                                             \
    X(g_mime_message_part_get_type)                                                                \
    X(g_mime_multipart_get_count)                                                                  \
    X(g_mime_multipart_get_part)                                                                   \
    X(g_mime_multipart_get_type)                                                                   \
    X(g_mime_object_get_content_type)                                                              \
    X(g_mime_object_get_type)                                                                      \
    X(g_mime_object_to_string)                                                                     \
    X(g_mime_parser_construct_message)                                                             \
    X(g_mime_parser_new_with_stream)                                                               \
    X(g_mime_part_get_content)                                                                     \
    X(g_mime_part_get_filename)                                                                    \
    X(g_mime_part_get_type)                                                                        \
    X(g_mime_stream_mem_get_byte_array)                                                            \
    X(g_mime_stream_mem_get_type)                                                                  \
    X(g_mime_stream_mem_new)                                                                       \
    X(g_mime_stream_mem_new_with_buffer)                                                           \
    X(internet_address_list_length)                                                                \
    X(internet_address_list_to_string)

#define SGI_GSF_FUNCS(X)                                                                           \
    X(gsf_doc_meta_data_foreach)                                                                   \
    X(gsf_doc_meta_data_new)                                                                       \
    X(gsf_doc_meta_data_read_from_msole)                                                           \
    X(gsf_doc_prop_get_val)                                                                        \
    X(gsf_infile_child_by_index)                                                                   \
    X(gsf_infile_child_by_name)                                                                    \
    X(gsf_infile_get_type)                                                                         \
    X(gsf_infile_msole_new)                                                                        \
    X(gsf_infile_name_by_index)                                                                    \
    X(gsf_infile_num_children)                                                                     \
    X(gsf_init)                                                                                    \
    X(gsf_input_memory_new)                                                                        \
    X(gsf_input_name)                                                                              \
    X(gsf_input_read)                                                                              \
    X(gsf_input_size)

#define SGI_HEIF_FUNCS(X)                                                                          \
    X(heif_context_alloc)                                                                          \
    X(heif_context_free)                                                                           \
    X(heif_context_get_primary_image_handle)                                                       \
    X(heif_context_read_from_memory_without_copy)                                                  \
    X(heif_image_handle_get_height)                                                                \
    X(heif_image_handle_get_list_of_metadata_block_IDs)                                            \
    X(heif_image_handle_get_metadata)                                                              \
    X(heif_image_handle_get_metadata_content_type)                                                 \
    X(heif_image_handle_get_metadata_size)                                                         \
    X(heif_image_handle_get_metadata_type)                                                         \
    X(heif_image_handle_get_width)                                                                 \
    X(heif_image_handle_release)

#define SGI_LAZY_FIELD(f) __typeof__(f) *f;
typedef struct sgi_archive_lib {
    SGI_ARCHIVE_FUNCS(SGI_LAZY_FIELD)
} sgi_archive_lib;
typedef struct sgi_gmime_lib {
    SGI_GMIME_FUNCS(SGI_LAZY_FIELD)
} sgi_gmime_lib;
typedef struct sgi_gsf_lib {
    SGI_GSF_FUNCS(SGI_LAZY_FIELD)
} sgi_gsf_lib;
typedef struct sgi_heif_lib {
    SGI_HEIF_FUNCS(SGI_LAZY_FIELD)
} sgi_heif_lib;
#undef SGI_LAZY_FIELD

/* Filled once, then only read (lazylib.c). */
extern sgi_archive_lib sgi_archive_fn;
extern sgi_gmime_lib sgi_gmime_fn;
extern sgi_gsf_lib sgi_gsf_fn;
extern sgi_heif_lib sgi_heif_fn;

/* Open the library and look up every function listed, once (thread-safe);
 * false if it or one of its functions could not be found. */
bool sgi_lazy_archive(void);
bool sgi_lazy_gmime(void);
bool sgi_lazy_gsf(void);
bool sgi_lazy_heif(void);

#ifndef SGI_LAZYLIB_LOADER
/* each name to its pointer (not generated: a macro cannot define macros) */
#define archive_entry_filetype (sgi_archive_fn.archive_entry_filetype)
#define archive_entry_is_encrypted (sgi_archive_fn.archive_entry_is_encrypted)
#define archive_entry_pathname (sgi_archive_fn.archive_entry_pathname)
#define archive_entry_pathname_utf8 (sgi_archive_fn.archive_entry_pathname_utf8)
#define archive_error_string (sgi_archive_fn.archive_error_string)
#define archive_filter_bytes (sgi_archive_fn.archive_filter_bytes)
#define archive_filter_code (sgi_archive_fn.archive_filter_code)
#define archive_format (sgi_archive_fn.archive_format)
#define archive_read_data (sgi_archive_fn.archive_read_data)
#define archive_read_free (sgi_archive_fn.archive_read_free)
#define archive_read_has_encrypted_entries (sgi_archive_fn.archive_read_has_encrypted_entries)
#define archive_read_new (sgi_archive_fn.archive_read_new)
#define archive_read_next_header (sgi_archive_fn.archive_read_next_header)
#define archive_read_open (sgi_archive_fn.archive_read_open)
#define archive_read_open_fd (sgi_archive_fn.archive_read_open_fd)
#define archive_read_open_memory (sgi_archive_fn.archive_read_open_memory)
#define archive_read_support_filter_all (sgi_archive_fn.archive_read_support_filter_all)
#define archive_read_support_format_all (sgi_archive_fn.archive_read_support_format_all)
#define archive_read_support_format_raw (sgi_archive_fn.archive_read_support_format_raw)
#define archive_set_error (sgi_archive_fn.archive_set_error)

#define g_mime_content_type_get_mime_type (sgi_gmime_fn.g_mime_content_type_get_mime_type)
#define g_mime_content_type_is_type (sgi_gmime_fn.g_mime_content_type_is_type)
#define g_mime_data_wrapper_write_to_stream (sgi_gmime_fn.g_mime_data_wrapper_write_to_stream)
#define g_mime_init (sgi_gmime_fn.g_mime_init)
#define g_mime_message_get_addresses (sgi_gmime_fn.g_mime_message_get_addresses)
#define g_mime_message_get_mime_part (sgi_gmime_fn.g_mime_message_get_mime_part)
#define g_mime_message_get_subject (sgi_gmime_fn.g_mime_message_get_subject)
#define g_mime_message_part_get_message (sgi_gmime_fn.g_mime_message_part_get_message)
#define g_mime_message_part_get_type (sgi_gmime_fn.g_mime_message_part_get_type)
#define g_mime_multipart_get_count (sgi_gmime_fn.g_mime_multipart_get_count)
#define g_mime_multipart_get_part (sgi_gmime_fn.g_mime_multipart_get_part)
#define g_mime_multipart_get_type (sgi_gmime_fn.g_mime_multipart_get_type)
#define g_mime_object_get_content_type (sgi_gmime_fn.g_mime_object_get_content_type)
#define g_mime_object_get_type (sgi_gmime_fn.g_mime_object_get_type)
#define g_mime_object_to_string (sgi_gmime_fn.g_mime_object_to_string)
#define g_mime_parser_construct_message (sgi_gmime_fn.g_mime_parser_construct_message)
#define g_mime_parser_new_with_stream (sgi_gmime_fn.g_mime_parser_new_with_stream)
#define g_mime_part_get_content (sgi_gmime_fn.g_mime_part_get_content)
#define g_mime_part_get_filename (sgi_gmime_fn.g_mime_part_get_filename)
#define g_mime_part_get_type (sgi_gmime_fn.g_mime_part_get_type)
#define g_mime_stream_mem_get_byte_array (sgi_gmime_fn.g_mime_stream_mem_get_byte_array)
#define g_mime_stream_mem_get_type (sgi_gmime_fn.g_mime_stream_mem_get_type)
#define g_mime_stream_mem_new (sgi_gmime_fn.g_mime_stream_mem_new)
#define g_mime_stream_mem_new_with_buffer (sgi_gmime_fn.g_mime_stream_mem_new_with_buffer)
#define internet_address_list_length (sgi_gmime_fn.internet_address_list_length)
#define internet_address_list_to_string (sgi_gmime_fn.internet_address_list_to_string)

#define gsf_doc_meta_data_foreach (sgi_gsf_fn.gsf_doc_meta_data_foreach)
#define gsf_doc_meta_data_new (sgi_gsf_fn.gsf_doc_meta_data_new)
#define gsf_doc_meta_data_read_from_msole (sgi_gsf_fn.gsf_doc_meta_data_read_from_msole)
#define gsf_doc_prop_get_val (sgi_gsf_fn.gsf_doc_prop_get_val)
#define gsf_infile_child_by_index (sgi_gsf_fn.gsf_infile_child_by_index)
#define gsf_infile_child_by_name (sgi_gsf_fn.gsf_infile_child_by_name)
#define gsf_infile_get_type (sgi_gsf_fn.gsf_infile_get_type)
#define gsf_infile_msole_new (sgi_gsf_fn.gsf_infile_msole_new)
#define gsf_infile_name_by_index (sgi_gsf_fn.gsf_infile_name_by_index)
#define gsf_infile_num_children (sgi_gsf_fn.gsf_infile_num_children)
#define gsf_init (sgi_gsf_fn.gsf_init)
#define gsf_input_memory_new (sgi_gsf_fn.gsf_input_memory_new)
#define gsf_input_name (sgi_gsf_fn.gsf_input_name)
#define gsf_input_read (sgi_gsf_fn.gsf_input_read)
#define gsf_input_size (sgi_gsf_fn.gsf_input_size)

#define heif_context_alloc (sgi_heif_fn.heif_context_alloc)
#define heif_context_free (sgi_heif_fn.heif_context_free)
#define heif_context_get_primary_image_handle (sgi_heif_fn.heif_context_get_primary_image_handle)
#define heif_context_read_from_memory_without_copy                                                 \
    (sgi_heif_fn.heif_context_read_from_memory_without_copy)
#define heif_image_handle_get_height (sgi_heif_fn.heif_image_handle_get_height)
#define heif_image_handle_get_list_of_metadata_block_IDs                                           \
    (sgi_heif_fn.heif_image_handle_get_list_of_metadata_block_IDs)
#define heif_image_handle_get_metadata (sgi_heif_fn.heif_image_handle_get_metadata)
#define heif_image_handle_get_metadata_content_type                                                \
    (sgi_heif_fn.heif_image_handle_get_metadata_content_type)
#define heif_image_handle_get_metadata_size (sgi_heif_fn.heif_image_handle_get_metadata_size)
#define heif_image_handle_get_metadata_type (sgi_heif_fn.heif_image_handle_get_metadata_type)
#define heif_image_handle_get_width (sgi_heif_fn.heif_image_handle_get_width)
#define heif_image_handle_release (sgi_heif_fn.heif_image_handle_release)
#endif

#endif
