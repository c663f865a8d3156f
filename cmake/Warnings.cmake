# Warnings for our own targets only; CI turns them into errors with LOCALSEEK_WERROR.
function(localseek_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  # Not in the fuzz flavour: clang warns about things GCC does not, and the release and ASan
  # flavours (GCC) already enforce -Werror; a clang-only warning must not stop the fuzzing.
  if(LOCALSEEK_WERROR AND NOT LOCALSEEK_FUZZ)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(LOCALSEEK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Fuzzing: every library gets coverage instrumentation (fuzzer-no-link) and ASan+UBSan, so the
# fuzzer sees inside them; fuzz/CMakeLists.txt links its targets with -fsanitize=fuzzer.
if(LOCALSEEK_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LOCALSEEK_FUZZ needs clang (bash scripts/build.sh fuzz sets it)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
