# localseek_library(NAME sources... DEPS libs...): a static library ls_NAME for one subsystem,
# linked into the binary automatically.
function(localseek_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(ls_${name} STATIC ${ARG_SOURCES})
  target_include_directories(ls_${name} PUBLIC "${CMAKE_SOURCE_DIR}/src")
  target_link_libraries(ls_${name} PUBLIC ${ARG_DEPS})
  localseek_warnings(ls_${name})
  set_property(GLOBAL APPEND PROPERTY LOCALSEEK_LIBS ls_${name})
endfunction()

# localseek_test(NAME SOURCES ... DEPS ... [LABELS l...] [TIMEOUT s] [NEEDS_BINARY]): a GoogleTest program; each test case
# becomes one ctest test. LOCALSEEK_SHARED tells it where ../shared is.
function(localseek_test name)
  cmake_parse_arguments(ARG "NEEDS_BINARY" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_include_directories(${name} PRIVATE "${CMAKE_SOURCE_DIR}/src" "${CMAKE_SOURCE_DIR}/tests")
  localseek_warnings(${name})
  # Defaults baked in; the environment (LOCALSEEK_SHARED, LOCALSEEK_BINARY) overrides them.
  target_compile_definitions(${name} PRIVATE
    LOCALSEEK_SHARED_DIR_DEFAULT="${LOCALSEEK_SHARED_DIR}"
    LOCALSEEK_BINARY_DEFAULT="$<TARGET_FILE:localseek>"
    LOCALSEEK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  if(ARG_NEEDS_BINARY)  # the test runs `localseek` itself
    add_dependencies(${name} localseek)
  endif()
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "${ARG_LABELS}")
endfunction()
