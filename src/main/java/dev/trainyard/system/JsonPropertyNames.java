package dev.trainyard.system;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.hibernate.validator.spi.nodenameprovider.JavaBeanProperty;
import org.hibernate.validator.spi.nodenameprovider.Property;
import org.hibernate.validator.spi.nodenameprovider.PropertyNodeNameProvider;

/**
 * Names a violation's field as the JSON names it: a record component renamed by {@code @JsonProperty} (e.g. a spec's
 * {@code notify}, which Java cannot use as a component name) is reported under its JSON name.
 */
class JsonPropertyNames implements PropertyNodeNameProvider {

    @Override
    public String getName(Property property) {
        if (property instanceof JavaBeanProperty bean) {
            try {
                JsonProperty renamed = bean.getDeclaringClass()
                        .getDeclaredField(property.getName())
                        .getAnnotation(JsonProperty.class);
                if (renamed != null && !renamed.value().isEmpty()) {
                    return renamed.value();
                }
            } catch (NoSuchFieldException notAField) {
                return property.getName();
            }
        }
        return property.getName();
    }
}
