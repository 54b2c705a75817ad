package dev.mailplatform.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** The repository around this module: its root pom, the service modules, deploy/kubernetes and deploy/images. */
final class Repo {

    static final Path ROOT = findRoot();
    static final Path DEPLOY = ROOT.resolve("deploy");
    static final Path KUBERNETES = DEPLOY.resolve("kubernetes");
    static final Path IMAGES = DEPLOY.resolve("images");

    private Repo() {
    }

    private static Path findRoot() {
        String configured = System.getProperty("mail.repo.root");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("deploy/kubernetes"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root with deploy/kubernetes above " + start);
    }

    /** The project version of the root pom: every image of the platform is tagged with it. */
    static String projectVersion() {
        return xpath(ROOT.resolve("pom.xml"), "/project/version").item(0).getTextContent().trim();
    }

    /** Every module the root pom lists. */
    static List<String> modules() {
        NodeList nodes = xpath(ROOT.resolve("pom.xml"), "/project/modules/module");
        List<String> modules = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            modules.add(nodes.item(i).getTextContent().trim());
        }
        return modules;
    }

    /**
     * The modules that are services: their pom runs quarkus-maven-plugin's build goal (a library such as store-api
     * only generates code with it). Each needs a Deployment and a Dockerfile.
     */
    static List<String> serviceModules() {
        List<String> services = new ArrayList<>();
        for (String module : modules()) {
            Path pom = ROOT.resolve(module).resolve("pom.xml");
            NodeList goals = xpath(pom,
                    "/project/build/plugins/plugin[artifactId='quarkus-maven-plugin']/executions/execution/goals/goal");
            for (int i = 0; i < goals.getLength(); i++) {
                if (goals.item(i).getTextContent().trim().equals("build")) {
                    services.add(module);
                    break;
                }
            }
        }
        return services;
    }

    static boolean isModule(String name) {
        return modules().contains(name);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + ROOT.relativize(file), e);
        }
    }

    static String rel(Path p) {
        return ROOT.relativize(p.toAbsolutePath().normalize()).toString();
    }

    static String firstGroup(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static NodeList xpath(Path xml, String expression) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            Document doc = factory.newDocumentBuilder().parse(xml.toFile());
            return (NodeList) XPathFactory.newInstance().newXPath().evaluate(expression, doc, XPathConstants.NODESET);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + xml + ": " + e.getMessage(), e);
        }
    }
}
