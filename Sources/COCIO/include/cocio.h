// C face over OpenColorIO. Every function catches all C++ exceptions and
// reports them as a non-zero return with the message copied into `err`.
#ifndef SCENEFARM_COCIO_H
#define SCENEFARM_COCIO_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sf_ocio_config sf_ocio_config;
typedef struct sf_ocio_processor sf_ocio_processor;

/// Loads a config from a file path; returns 0 on success.
int sf_ocio_config_create_from_file(const char *path, sf_ocio_config **out, char *err, size_t errlen);
/// Loads the config named by $OCIO; returns 0 on success.
int sf_ocio_config_create_from_env(sf_ocio_config **out, char *err, size_t errlen);
/// Runs OCIO's own validation of a loaded config; returns 0 when it passes.
int sf_ocio_config_validate(const sf_ocio_config *cfg, char *err, size_t errlen);
void sf_ocio_config_free(sf_ocio_config *cfg);

/// Number of active colour spaces in the config.
int sf_ocio_config_colorspace_count(const sf_ocio_config *cfg);
/// Name of the colour space at `index` (owned by the config).
const char *sf_ocio_config_colorspace_name(const sf_ocio_config *cfg, int index);
/// Number of colour spaces, active and inactive (display colour spaces are usually inactive).
int sf_ocio_config_colorspace_count_all(const sf_ocio_config *cfg);
/// Name of the colour space at `index` among all of them, active and inactive.
const char *sf_ocio_config_colorspace_name_all(const sf_ocio_config *cfg, int index);
/// Canonical colour space name for a name, alias or role; NULL if unknown.
const char *sf_ocio_config_resolve_colorspace(const sf_ocio_config *cfg, const char *name);
/// Number of roles, and the name / colour space of role `index`.
int sf_ocio_config_role_count(const sf_ocio_config *cfg);
const char *sf_ocio_config_role_name(const sf_ocio_config *cfg, int index);
/// Source of the config (file path or description), for messages.
const char *sf_ocio_config_name(const sf_ocio_config *cfg);

/// Builds an optimised CPU processor from colour space `src` to `dst` (names or roles).
int sf_ocio_processor_create(const sf_ocio_config *cfg, const char *src, const char *dst,
                             sf_ocio_processor **out, char *err, size_t errlen);
/// Builds a CPU processor from colour space `src` through a display/view transform.
int sf_ocio_display_processor_create(const sf_ocio_config *cfg, const char *src, const char *display,
                                     const char *view, sf_ocio_processor **out, char *err, size_t errlen);
/// Applies the processor in place to packed float RGBA rows.
int sf_ocio_processor_apply_rgba(const sf_ocio_processor *proc, float *pixels, long width, long height,
                                 char *err, size_t errlen);
/// True when the transform is a no-op.
int sf_ocio_processor_is_noop(const sf_ocio_processor *proc);
void sf_ocio_processor_free(sf_ocio_processor *proc);

#ifdef __cplusplus
}
#endif

#endif
