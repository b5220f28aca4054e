# FindLibevent.cmake: locates libevent 2.1 (libevent-dev), core and pthreads parts.
# Defines Libevent_FOUND and the imported targets Libevent::core and Libevent::pthreads.
find_path(Libevent_INCLUDE_DIR NAMES event2/event.h)
find_library(Libevent_CORE_LIBRARY NAMES event_core)
find_library(Libevent_PTHREADS_LIBRARY NAMES event_pthreads)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libevent
  REQUIRED_VARS Libevent_CORE_LIBRARY Libevent_PTHREADS_LIBRARY Libevent_INCLUDE_DIR)
if(Libevent_FOUND AND NOT TARGET Libevent::core)
  add_library(Libevent::core UNKNOWN IMPORTED)
  set_target_properties(Libevent::core PROPERTIES
    IMPORTED_LOCATION "${Libevent_CORE_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${Libevent_INCLUDE_DIR}")
  add_library(Libevent::pthreads UNKNOWN IMPORTED)
  set_target_properties(Libevent::pthreads PROPERTIES
    IMPORTED_LOCATION "${Libevent_PTHREADS_LIBRARY}"
    INTERFACE_LINK_LIBRARIES Libevent::core)
endif()
mark_as_advanced(Libevent_INCLUDE_DIR Libevent_CORE_LIBRARY Libevent_PTHREADS_LIBRARY)
