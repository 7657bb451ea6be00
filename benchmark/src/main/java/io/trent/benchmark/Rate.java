package io.trent.benchmark;

import java.util.Map;

/**
 * One measured rate.
 *
 * @param perSecond successful operations per second over the measured window
 * @param operations successful operations in the window (for HTTP: 200 responses only)
 * @param seconds the measured window
 * @param errors failed operations (for HTTP: non-200 responses plus socket errors and timeouts)
 * @param errorKinds failures by kind (exception, or HTTP status)
 * @param latencyP50Millis median latency, where the load generator reports it (HTTP)
 * @param latencyP99Millis 99th percentile latency, where the load generator reports it (HTTP)
 * @param jvmCpuCores CPU used by this JVM during the window, in cores
 * @param loadGeneratorCpuCores CPU used by an external load generator (wrk) during the window, in cores
 * @param otherCpuCores CPU used by everything else on the machine (other builds, the OS): noise
 * @param machineCpuCores CPU used by the whole machine during the window, in cores
 * @param threadCpuCores CPU used by this JVM's threads during the window, in cores, by thread group
 */
record Rate(
    double perSecond,
    long operations,
    double seconds,
    long errors,
    Map<String, Long> errorKinds,
    Double latencyP50Millis,
    Double latencyP99Millis,
    Double jvmCpuCores,
    Double loadGeneratorCpuCores,
    Double otherCpuCores,
    Double machineCpuCores,
    Map<String, Double> threadCpuCores) {}
