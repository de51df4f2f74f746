# embers_add_test(NAME SOURCES... [LIBS libs...]): a Qt Test executable run by
# ctest on the offscreen platform, with the fixtures folder and the embers
# binary in its environment.
function(embers_add_test name)
    cmake_parse_arguments(T "" "" "LIBS" ${ARGN})
    add_executable(${name} ${T_UNPARSED_ARGUMENTS})
    set_target_properties(${name} PROPERTIES AUTOMOC ON)
    target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    target_link_libraries(${name} PRIVATE Qt6::Test Qt6::Core ${T_LIBS})
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES
        TIMEOUT 300
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;EMBERS_TEST_DATA=${PROJECT_SOURCE_DIR}/tests/data;EMBERS_SAMPLES=${PROJECT_SOURCE_DIR}/resources/samples;EMBERS_BIN=$<TARGET_FILE:embers>")
endfunction()
