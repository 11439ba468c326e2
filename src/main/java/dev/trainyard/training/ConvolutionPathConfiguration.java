package dev.trainyard.training;

import dev.trainyard.training.onednn.ConvolutionPath;
import dev.trainyard.training.onednn.OneDnnLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** trainyard's oneDNN convolution path, once per process. */
@Configuration(proxyBeanMethods = false)
class ConvolutionPathConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ConvolutionPathConfiguration.class);

    /** why the runtime parameter: ND4J must load first so both libraries share its OpenMP runtime. */
    @Bean(destroyMethod = "close")
    OneDnnLibrary oneDnnLibrary(Dl4jRuntime runtime, TrainingProperties properties) {
        OneDnnLibrary library = properties.convolutions() == TrainingProperties.Convolutions.DL4J
                ? OneDnnLibrary.unavailable("switched off (trainyard.training.convolutions=dl4j)")
                : OneDnnLibrary.load();
        if (library.available()) {
            log.info(
                    "Convolutions run on trainyard's oneDNN path (oneDNN {}) where it covers a layer, on {} elsewhere",
                    library.version().orElseThrow(),
                    runtime.oneDnnHelpersActive() ? "DL4J's oneDNN helper" : "DL4J");
        } else {
            log.info(
                    "Convolutions run on DL4J's own path: {}",
                    library.unavailableReason().orElseThrow());
        }
        return library;
    }

    @Bean
    ConvolutionPath convolutionPath(OneDnnLibrary library) {
        return new ConvolutionPath(library);
    }
}
