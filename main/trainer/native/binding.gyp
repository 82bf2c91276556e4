{
  # The studio's native training kernels (Node-API, so one binary per platform/arch serves Node and
  # Electron). No -mavx2 here: the AVX2/FMA micro-kernel carries its own target attribute and is
  # picked at run time, so the same build runs on any x86-64 (and the generic path on arm64).
  "targets": [
    {
      "target_name": "studio_kernels",
      "sources": ["src/addon.cc", "src/sgemm.cc", "src/ops.cc"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++1y", "-std=gnu++17", "-O2", "-O0"],
      "cflags": ["-O3", "-fno-math-errno"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_OPTIMIZATION_LEVEL": "3",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "11.0",
        "OTHER_CFLAGS": ["-fno-math-errno"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": {
          "Optimization": 2,
          "FavorSizeOrSpeed": 1,
          "AdditionalOptions": ["/std:c++17", "/fp:precise"]
        }
      }
    }
  ]
}
