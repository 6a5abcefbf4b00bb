package org.openccm.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import javax.xml.stream.XMLEventReader;
import javax.xml.stream.XMLEventWriter;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.events.XMLEvent;
import org.openccm.datasource.DataSources;
import org.openccm.generation.RecordData;
import org.openccm.shared.web.LimitsProperties;
import org.openccm.shared.web.RequestBodies;
import org.openccm.storage.OutputStore;
import org.springframework.stereotype.Component;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streams the records of a job's dataset one at a time: the rows of its database query, or the
 * items of its uploaded file (a JSON array of objects, or an XML document whose root holds one
 * element per record). Nothing is read into memory as a whole.
 */
@Component
class DatasetReader {
    private static final int FETCH_SIZE = 500;

    private final DataSources dataSources;
    private final OutputStore store;
    private final LimitsProperties limits;
    private final ObjectMapper mapper;
    private final XMLInputFactory xml;
    private final ObjectReader items;
    private final ObjectMapper fileParser;

    DatasetReader(DataSources dataSources, OutputStore store, LimitsProperties limits, RequestBodies bodies) {
        this.dataSources = dataSources;
        this.store = store;
        this.limits = limits;
        this.mapper = bodies.mapper();
        // A data file is read as a stream: no limit on its length, the request limits on each record.
        ObjectMapper files = JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxNestingDepth(limits.maxJsonDepth())
                                .maxDocumentLength(-1)
                                .maxStringLength(limits.maxValueChars())
                                .build())
                        .build())
                .build();
        this.fileParser = files;
        this.items = files.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.xml = XMLInputFactory.newFactory();
        xml.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        xml.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        xml.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    }

    /** The dataset cannot be read; the message is fit for an operator. */
    static final class UnreadableDatasetException extends RuntimeException {
        UnreadableDatasetException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Calls each with every record in dataset order; returns how many there were. */
    long read(long cabinetId, Cycles.Job job, Consumer<Map<String, Object>> each) {
        if (job.dataQuery() != null && !job.dataQuery().isBlank()) {
            try {
                return dataSources.stream(cabinetId, job.dataSource(), job.dataQuery(), Map.of(), FETCH_SIZE, each);
            } catch (RuntimeException e) {
                if (e instanceof StopReading) {
                    throw e;
                }
                throw new UnreadableDatasetException(
                        "The job's data query failed: "
                                + rootCause(e).getClass().getSimpleName(),
                        e);
            }
        }
        if (job.dataFile() == null || job.dataFile().isBlank()) {
            throw new UnreadableDatasetException("The job has neither a data query nor an uploaded data file.", null);
        }
        try (InputStream in = store.open(cabinetId, job.dataFile())) {
            return job.dataFile().toLowerCase(Locale.ROOT).endsWith(".xml") ? readXml(in, each) : readJson(in, each);
        } catch (XMLStreamException e) {
            throw new UnreadableDatasetException(
                    "The job's data file is not well-formed XML without a DTD"
                            + (e.getLocation() == null
                                    ? ""
                                    : " (line " + e.getLocation().getLineNumber() + ")") + ".",
                    e);
        } catch (IOException e) {
            throw new UnreadableDatasetException("The job's data file cannot be read.", e);
        } catch (RecordData.UnreadableDataException e) {
            throw new UnreadableDatasetException("A record of the job's data file is invalid: " + e.getMessage(), e);
        } catch (tools.jackson.core.JacksonException e) {
            throw new UnreadableDatasetException("The job's data file is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a whole data file before it replaces a job's dataset, so that a file that cannot be
     * read is refused at upload instead of failing every later run.
     *
     * @return the number of records
     */
    long check(long cabinetId, String key) {
        Cycles.Job probe = new Cycles.Job(0, 0, "upload", null, null, null, null, null, key, "", false, false);
        return read(cabinetId, probe, record -> {});
    }

    /** The first record, or null for an empty dataset: used to check a filter's field names. */
    Map<String, Object> first(long cabinetId, Cycles.Job job) {
        Object[] found = new Object[1];
        try {
            read(cabinetId, job, record -> {
                found[0] = record;
                throw new StopReading();
            });
        } catch (StopReading stop) {
            // found it
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> record = (Map<String, Object>) found[0];
        return record;
    }

    private static final class StopReading extends RuntimeException {
        StopReading() {
            super(null, null, false, false);
        }
    }

    private long readJson(InputStream in, Consumer<Map<String, Object>> each) {
        long count = 0;
        try (JsonParser parser = fileParser.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new RecordData.UnreadableDataException("a JSON data file must hold an array of records");
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                JsonNode item = items.readValue(parser);
                each.accept(RecordData.fromJson(item.toString(), mapper, limits.maxValueChars()));
                count++;
            }
            if (parser.currentToken() != JsonToken.END_ARRAY) {
                throw new RecordData.UnreadableDataException("every item of the data file must be a JSON object");
            }
        }
        return count;
    }

    private long readXml(InputStream in, Consumer<Map<String, Object>> each) throws XMLStreamException {
        XMLEventReader events = xml.createXMLEventReader(in);
        XMLOutputFactory output = XMLOutputFactory.newFactory();
        long count = 0;
        int depth = 0;
        StringWriter record = null;
        XMLEventWriter writer = null;
        try {
            while (events.hasNext()) {
                XMLEvent event = events.nextEvent();
                if (event.isEntityReference() || event.getEventType() == XMLEvent.DTD) {
                    throw new RecordData.UnreadableDataException("the data file may not use a DTD or entities");
                }
                if (event.isStartElement()) {
                    depth++;
                    if (depth == 2) {
                        record = new StringWriter();
                        writer = output.createXMLEventWriter(record);
                    }
                }
                if (writer != null && depth >= 2) {
                    writer.add(event);
                }
                if (event.isEndElement()) {
                    if (depth == 2 && writer != null) {
                        writer.close();
                        each.accept(RecordData.fromXml(
                                record.toString(),
                                limits.maxXmlDepth(),
                                limits.maxXmlElements(),
                                limits.maxValueChars()));
                        count++;
                        writer = null;
                    }
                    depth--;
                }
            }
        } finally {
            events.close();
        }
        return count;
    }

    private static String firstLine(tools.jackson.core.JacksonException e) {
        String message = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
        int end = message.indexOf('\n');
        String line = end < 0 ? message : message.substring(0, end);
        int constraint = line.indexOf(" (from StreamReadConstraints");
        return constraint < 0 ? line : line.substring(0, constraint);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
