# Finds OpenCV's core, imgproc and imgcodecs from Debian's split -dev packages, which (unlike the heavy
# libopencv-dev meta package) ship no OpenCVConfig.cmake. Defines OpenCVSplit_FOUND and the imported targets
# OpenCVSplit::core, OpenCVSplit::imgproc and OpenCVSplit::imgcodecs; OpenCVSplit::dnn too where libopencv-dnn-dev is
# installed (OpenCVSplit_dnn_FOUND), as the ONNX export's parity check needs it.
find_path(OpenCVSplit_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4)
# Debian keeps the architecture-specific cvconfig.h apart from the other headers.
find_path(OpenCVSplit_ARCH_INCLUDE_DIR opencv2/cvconfig.h
          PATHS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE} PATH_SUFFIXES opencv4)
set(_opencv_split_vars OpenCVSplit_INCLUDE_DIR OpenCVSplit_ARCH_INCLUDE_DIR)
foreach(module core imgproc imgcodecs)
  find_library(OpenCVSplit_${module}_LIBRARY opencv_${module})
  list(APPEND _opencv_split_vars OpenCVSplit_${module}_LIBRARY)
endforeach()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(OpenCVSplit REQUIRED_VARS ${_opencv_split_vars})

if(OpenCVSplit_FOUND)
  foreach(module core imgproc imgcodecs)
    if(NOT TARGET OpenCVSplit::${module})
      add_library(OpenCVSplit::${module} UNKNOWN IMPORTED)
      set_target_properties(OpenCVSplit::${module} PROPERTIES
        IMPORTED_LOCATION "${OpenCVSplit_${module}_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${OpenCVSplit_INCLUDE_DIR};${OpenCVSplit_ARCH_INCLUDE_DIR}")
    endif()
  endforeach()
endif()

find_library(OpenCVSplit_dnn_LIBRARY opencv_dnn)
if(OpenCVSplit_FOUND AND OpenCVSplit_dnn_LIBRARY)
  set(OpenCVSplit_dnn_FOUND TRUE)
  if(NOT TARGET OpenCVSplit::dnn)
    add_library(OpenCVSplit::dnn UNKNOWN IMPORTED)
    set_target_properties(OpenCVSplit::dnn PROPERTIES
      IMPORTED_LOCATION "${OpenCVSplit_dnn_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${OpenCVSplit_INCLUDE_DIR};${OpenCVSplit_ARCH_INCLUDE_DIR}")
  endif()
endif()
