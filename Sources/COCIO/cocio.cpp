#include "cocio.h"

#include <OpenColorIO/OpenColorIO.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

namespace OCIO = OCIO_NAMESPACE;

struct sf_ocio_config {
    OCIO::ConstConfigRcPtr config;
    std::string name;
};

struct sf_ocio_processor {
    OCIO::ConstCPUProcessorRcPtr cpu;
};

namespace {

int fail(char *err, size_t errlen, const char *message) {
    if (err && errlen > 0) {
        std::strncpy(err, message, errlen - 1);
        err[errlen - 1] = '\0';
    }
    return 1;
}

template <typename Body>
int guarded(char *err, size_t errlen, Body body) {
    try {
        body();
        return 0;
    } catch (const std::exception &e) {
        return fail(err, errlen, e.what());
    } catch (...) {
        return fail(err, errlen, "unknown OpenColorIO error");
    }
}

}  // namespace

extern "C" {

int sf_ocio_config_create_from_file(const char *path, sf_ocio_config **out, char *err, size_t errlen) {
    return guarded(err, errlen, [&] {
        auto cfg = new sf_ocio_config{OCIO::Config::CreateFromFile(path), path};
        *out = cfg;
    });
}

int sf_ocio_config_create_from_env(sf_ocio_config **out, char *err, size_t errlen) {
    return guarded(err, errlen, [&] {
        const char *env = std::getenv("OCIO");
        auto cfg = new sf_ocio_config{OCIO::Config::CreateFromEnv(), env ? env : "$OCIO"};
        *out = cfg;
    });
}

int sf_ocio_config_validate(const sf_ocio_config *cfg, char *err, size_t errlen) {
    return guarded(err, errlen, [&] { cfg->config->validate(); });
}

void sf_ocio_config_free(sf_ocio_config *cfg) { delete cfg; }

int sf_ocio_config_colorspace_count(const sf_ocio_config *cfg) {
    try {
        return cfg->config->getNumColorSpaces();
    } catch (...) {
        return 0;
    }
}

const char *sf_ocio_config_colorspace_name(const sf_ocio_config *cfg, int index) {
    try {
        return cfg->config->getColorSpaceNameByIndex(index);
    } catch (...) {
        return nullptr;
    }
}

int sf_ocio_config_colorspace_count_all(const sf_ocio_config *cfg) {
    try {
        return cfg->config->getNumColorSpaces(OCIO::SEARCH_REFERENCE_SPACE_ALL, OCIO::COLORSPACE_ALL);
    } catch (...) {
        return 0;
    }
}

const char *sf_ocio_config_colorspace_name_all(const sf_ocio_config *cfg, int index) {
    try {
        return cfg->config->getColorSpaceNameByIndex(OCIO::SEARCH_REFERENCE_SPACE_ALL, OCIO::COLORSPACE_ALL, index);
    } catch (...) {
        return nullptr;
    }
}

const char *sf_ocio_config_resolve_colorspace(const sf_ocio_config *cfg, const char *name) {
    try {
        auto cs = cfg->config->getColorSpace(name);
        return cs ? cs->getName() : nullptr;
    } catch (...) {
        return nullptr;
    }
}

int sf_ocio_config_role_count(const sf_ocio_config *cfg) {
    try {
        return cfg->config->getNumRoles();
    } catch (...) {
        return 0;
    }
}

const char *sf_ocio_config_role_name(const sf_ocio_config *cfg, int index) {
    try {
        return cfg->config->getRoleName(index);
    } catch (...) {
        return nullptr;
    }
}

const char *sf_ocio_config_name(const sf_ocio_config *cfg) { return cfg->name.c_str(); }

int sf_ocio_processor_create(const sf_ocio_config *cfg, const char *src, const char *dst,
                             sf_ocio_processor **out, char *err, size_t errlen) {
    return guarded(err, errlen, [&] {
        auto processor = cfg->config->getProcessor(src, dst);
        *out = new sf_ocio_processor{processor->getOptimizedCPUProcessor(OCIO::OPTIMIZATION_DEFAULT)};
    });
}

int sf_ocio_display_processor_create(const sf_ocio_config *cfg, const char *src, const char *display,
                                     const char *view, sf_ocio_processor **out, char *err, size_t errlen) {
    return guarded(err, errlen, [&] {
        auto transform = OCIO::DisplayViewTransform::Create();
        transform->setSrc(src);
        transform->setDisplay(display);
        transform->setView(view);
        auto processor = cfg->config->getProcessor(transform);
        *out = new sf_ocio_processor{processor->getOptimizedCPUProcessor(OCIO::OPTIMIZATION_DEFAULT)};
    });
}

int sf_ocio_processor_apply_rgba(const sf_ocio_processor *proc, float *pixels, long width, long height,
                                 char *err, size_t errlen) {
    return guarded(err, errlen, [&] {
        OCIO::PackedImageDesc desc(pixels, width, height, 4);
        proc->cpu->apply(desc);
    });
}

int sf_ocio_processor_is_noop(const sf_ocio_processor *proc) {
    try {
        return proc->cpu->isNoOp() ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

void sf_ocio_processor_free(sf_ocio_processor *proc) { delete proc; }

}  // extern "C"
