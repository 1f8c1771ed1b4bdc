import Foundation
@testable import Inference

/// The frame kernel the packet tests (`GroundPacketTests`, `SkyPacketTests`, `GlimpsePacketTests`)
/// compare the packets with the one-ray code on: built from a renderer's own maps as the pixel
/// loop builds it, alive for the duration of `body`.
enum PacketTestKernel {
    static func with(
        _ renderer: SceneLitRenderer, _ instants: [SceneLitRenderer.Instant], offsets: [SIMD2<Float>],
        _ body: (SceneLitFrameKernel, UnsafeBufferPointer<SIMD2<Float>>) -> Void
    ) {
        renderer.lighting.irradiance.withUnsafeBufferPointer { irradiance in
        renderer.reflection.rgb.withUnsafeBufferPointer { reflection in
        renderer.background.rgb.withUnsafeBufferPointer { background in
        offsets.withUnsafeBufferPointer { offsets in
            let kernel = SceneLitFrameKernel(
                renderer: renderer, subFrames: instants, irradiance: irradiance,
                reflection: LatLongMap.Sampler(rgb: reflection.baseAddress!, width: renderer.reflection.width, height: renderer.reflection.height, rotation: renderer.reflection.rotation),
                background: LatLongMap.Sampler(rgb: background.baseAddress!, width: renderer.background.width, height: renderer.background.height, rotation: renderer.background.rotation)
            )
            defer { kernel.deallocate() }
            body(kernel, offsets)
        }
        }
        }
        }
    }
}
