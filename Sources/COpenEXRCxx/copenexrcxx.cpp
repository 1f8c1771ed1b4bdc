#include "copenexrcxx.h"

#include <ImfChannelList.h>
#include <ImfCompression.h>
#include <ImfFrameBuffer.h>
#include <ImfHeader.h>
#include <ImfIO.h>
#include <Iex.h>
#include <ImfInputFile.h>
#include <ImfOutputFile.h>
#include <ImfStandardAttributes.h>
#include <ImfThreading.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <vector>

namespace {

int fail(char *err, size_t errlen, const char *message) {
    if (err && errlen > 0) {
        std::strncpy(err, message, errlen - 1);
        err[errlen - 1] = '\0';
    }
    return 1;
}

// An EXR file held in memory, read in place.
class MemoryStream : public Imf::IStream {
public:
    MemoryStream(const char *data, uint64_t size) : Imf::IStream("memory"), data_(data), size_(size) {}

    bool isMemoryMapped() const override { return true; }

    bool read(char c[], int n) override {
        check(n);
        std::memcpy(c, data_ + position_, size_t(n));
        position_ += uint64_t(n);
        return position_ < size_;
    }

    char *readMemoryMapped(int n) override {
        check(n);
        char *start = const_cast<char *>(data_ + position_);
        position_ += uint64_t(n);
        return start;
    }

    uint64_t tellg() override { return position_; }
    void seekg(uint64_t position) override { position_ = position; }
    void clear() override {}

private:
    void check(int n) const {
        if (n < 0 || position_ + uint64_t(n) > size_) throw Iex::InputExc("unexpected end of the in-memory EXR file");
    }

    const char *data_;
    uint64_t size_;
    uint64_t position_ = 0;
};

template <typename Body>
int guarded(char *err, size_t errlen, Body body) {
    try {
        body();
        return 0;
    } catch (const std::exception &e) {
        return fail(err, errlen, e.what());
    } catch (...) {
        return fail(err, errlen, "unknown OpenEXR error");
    }
}

void transcode(Imf::InputFile &in, const char *dst, int compression, float dwa_level) {
        Imf::Header header = in.header();
        header.compression() = static_cast<Imf::Compression>(compression);
        if (compression == Imf::DWAA_COMPRESSION || compression == Imf::DWAB_COMPRESSION) {
            Imf::addDwaCompressionLevel(header, dwa_level);
        }
        const Imath::Box2i window = header.dataWindow();
        const size_t width = size_t(window.max.x - window.min.x + 1);
        const size_t height = size_t(window.max.y - window.min.y + 1);
        Imf::FrameBuffer frame;
        std::vector<std::vector<char>> planes;
        for (auto channel = header.channels().begin(); channel != header.channels().end(); ++channel) {
            const size_t bytes = channel.channel().type == Imf::HALF ? 2 : 4;
            planes.emplace_back(width * height * bytes);
            char *origin = planes.back().data() - (size_t(window.min.x) + size_t(window.min.y) * width) * bytes;
            frame.insert(channel.name(), Imf::Slice(channel.channel().type, origin, bytes, bytes * width));
        }
        in.setFrameBuffer(frame);
        in.readPixels(window.min.y, window.max.y);
        Imf::OutputFile out(dst, header, Imf::globalThreadCount());
        out.setFrameBuffer(frame);
        out.writePixels(int(height));
}

}  // namespace

extern "C" {

int sf_exr_transcode_memory(const void *data, size_t size, const char *dst, int compression, float dwa_level, char *err, size_t errlen) {
    return guarded(err, errlen, [&] {
        MemoryStream stream(static_cast<const char *>(data), size);
        Imf::InputFile in(stream);
        transcode(in, dst, compression, dwa_level);
    });
}

int sf_exr_read_rgba(const char *path, float *rgba, size_t width, size_t height, char *err, size_t errlen) {
    return guarded(err, errlen, [&] {
        Imf::InputFile in(path, Imf::globalThreadCount());
        const Imath::Box2i window = in.header().dataWindow();
        if (int64_t(window.max.x) - window.min.x + 1 != int64_t(width) || int64_t(window.max.y) - window.min.y + 1 != int64_t(height)) {
            throw Iex::InputExc("the data window changed since the header was read");
        }
        const size_t pixel = 4 * sizeof(float), line = pixel * width;
        char *origin = reinterpret_cast<char *>(rgba) - ptrdiff_t(window.min.x) * ptrdiff_t(pixel) - ptrdiff_t(window.min.y) * ptrdiff_t(line);
        Imf::FrameBuffer frame;
        const char *names[] = {"R", "G", "B", "A"};
        for (int c = 0; c < 4; ++c) {
            frame.insert(names[c], Imf::Slice(Imf::FLOAT, origin + c * sizeof(float), pixel, line, 1, 1, c == 3 ? 1.0 : 0.0));
        }
        in.setFrameBuffer(frame);
        in.readPixels(window.min.y, window.max.y);
    });
}

void sf_exr_set_thread_count(int threads) {
    try {
        Imf::setGlobalThreadCount(threads);
    } catch (...) {
    }
}

}  // extern "C"
