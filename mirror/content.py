"""French content banks for the demo mirror: places, themes, titles and prose.

Everything a centre's site says comes from here, drawn with the centre's own
`random.Random`, so the mirror reads like the real network (QPV names, cities,
programmes) while staying deterministic.
"""

from __future__ import annotations

import re

# Each centre's territory: (city, postcode, [QPV names], [venues]).
PLACES: dict[str, list[tuple[str, str, list[str], list[str]]]] = {
    "irev": [
        ("Roubaix", "59100", ["Alma-Gare", "Pile – Sainte-Élisabeth", "Épeule"], ["Maison de quartier de l'Alma", "La Condition Publique"]),
        ("Lille", "59000", ["Moulins", "Lille-Sud", "Fives"], ["Maison de quartier des Moulins", "Irev, 50 rue Gustave Delory"]),
        ("Tourcoing", "59200", ["La Bourgogne", "Phalempins"], ["Centre social Boilly"]),
        ("Maubeuge", "59600", ["Sous-le-Bois", "Provinces Françaises"], ["Espace Sculfort"]),
        ("Valenciennes", "59300", ["Dutemple", "Chasse Royale"], ["Centre social Dutemple"]),
        ("Dunkerque", "59140", ["Île Jeanty", "Banc Vert"], ["Maison de la vie associative"]),
        ("Amiens", "80000", ["Étouvie", "Amiens Nord"], ["Centre culturel Léo Lagrange"]),
    ],
    "oriv": [
        ("Strasbourg", "67100", ["Neuhof", "Meinau"], ["ORIV, 1 rue de la Course", "Centre socio-culturel du Neuhof"]),
        ("Strasbourg", "67200", ["Hautepierre", "Cronenbourg"], ["Maillon Hautepierre"]),
        ("Mulhouse", "68200", ["Bourtzwiller", "Coteaux", "Drouot"], ["Maison de la citoyenneté de Bourtzwiller"]),
        ("Reims", "51100", ["Croix-Rouge", "Orgeval"], ["Antenne de l'ORIV, Reims"]),
        ("Metz", "57070", ["Borny", "Bellecroix"], ["Boîte à Musiques de Borny"]),
        ("Nancy", "54000", ["Haut-du-Lièvre", "Plateau de Haye"], ["Centre social Jolibois"]),
        ("Sélestat", "67600", ["Sélestat Ouest"], ["Locaux de l'AREAL, 2 rue Saint Léonard"]),
    ],
    "normanvilles": [
        ("Caen", "14000", ["Grâce de Dieu", "Chemin Vert", "Pierre Heuzé"], ["Maison des associations de Caen"]),
        ("Rouen", "76000", ["Hauts de Rouen", "Grammont"], ["Centre social Simone Veil"]),
        ("Le Havre", "76600", ["Mont-Gaillard", "Caucriauville", "Bois de Bléville"], ["Espace Coty"]),
        ("Hérouville-Saint-Clair", "14200", ["Grande Delle", "Belles Portes"], ["Maison des jeunes de la Grande Delle"]),
        ("Évreux", "27000", ["La Madeleine", "Nétreville"], ["Maison de quartier de la Madeleine"]),
        ("Cherbourg-en-Cotentin", "50100", ["Les Provinces", "Les Fourches"], ["Espace René Le Bas"]),
        ("Alençon", "61000", ["Perseigne", "Courteille"], ["Centre social Paul Gauguin"]),
    ],
    "villes_au_carre": [
        ("Tours", "37000", ["Sanitas", "Rives du Cher", "Maryse Bastié"], ["Villes au Carré, 5 place de la Préfecture"]),
        ("Orléans", "45100", ["La Source", "Argonne"], ["Maison de la réussite de La Source"]),
        ("Blois", "41000", ["Croix-Chevalier", "Kennedy"], ["Espace Mirabeau"]),
        ("Bourges", "18000", ["Chancellerie", "Gibjoncs"], ["Maison de quartier Nord"]),
        ("Châteauroux", "36000", ["Saint-Jean", "Beaulieu"], ["Centre social Saint-Jean"]),
        ("Chartres", "28000", ["Beaulieu", "Bel-Air"], ["Maison pour tous de Beaulieu"]),
        ("Vierzon", "18100", ["Clos du Roy", "Colombier"], ["Forum République"]),
    ],
    "resovilles": [
        ("Nantes", "44100", ["Bellevue", "Breil"], ["RésO Villes, 2 rue Meuris", "Maison de quartier de Bellevue"]),
        ("Nantes", "44300", ["Nantes Nord", "Malakoff"], ["Pôle associatif Sully"]),
        ("Rennes", "35700", ["Maurepas", "Villejean"], ["Centre social de Maurepas"]),
        ("Rennes", "35200", ["Le Blosne", "Cleunay"], ["Triangle, cité de la danse"]),
        ("Brest", "29200", ["Pontanézen", "Bellevue", "Recouvrance"], ["Maison de quartier de Pontanézen"]),
        ("Saint-Nazaire", "44600", ["Ville-Ouest", "Trignac-Certé"], ["Agora 1901"]),
        ("Angers", "49000", ["Monplaisir", "Belle-Beille"], ["Centre Jacques Tati"]),
        ("Le Mans", "72100", ["Les Sablons", "Ronceray-Glonnières"], ["Espace Le Rabelais"]),
    ],
    "trajectoire_ressources": [
        ("Montbéliard", "25200", ["Petite-Hollande", "La Chiffogne"], ["Maison des Métiers de la Ville, 13 avenue Léon Blum"]),
        ("Besançon", "25000", ["Planoise", "Clairs-Soleils"], ["Maison de quartier de Planoise"]),
        ("Dijon", "21000", ["Grésilles", "Fontaine d'Ouche"], ["Centre social des Grésilles"]),
        ("Chalon-sur-Saône", "71100", ["Prés-Saint-Jean", "Stade-Fontaine-au-Loup"], ["Espace Jean Zay"]),
        ("Belfort", "90000", ["Résidences Bellevue", "Glacis du Château"], ["Maison de quartier des Résidences"]),
        ("Auxerre", "89000", ["Rive Droite", "Sainte-Geneviève"], ["Maison de quartier Rive Droite"]),
        ("Nevers", "58000", ["Banlay", "Grande Pâture"], ["Centre social du Banlay"]),
    ],
    "labo_cites": [
        ("Lyon", "69008", ["Mermoz", "États-Unis"], ["Labo Cités, 4 rue de Narvik"]),
        ("Lyon", "69009", ["La Duchère"], ["Maison des fêtes et des familles de La Duchère"]),
        ("Vaulx-en-Velin", "69120", ["Mas du Taureau", "Grande Île"], ["Centre Charlie Chaplin"]),
        ("Vénissieux", "69200", ["Minguettes", "Max Barel"], ["Espace Madeleine Reberioux"]),
        ("Grenoble", "38100", ["Villeneuve", "Mistral"], ["Maison des habitants du Patio"]),
        ("Saint-Étienne", "42000", ["Montreynaud", "Beaubrun-Tarentaize"], ["Amicale laïque de Montreynaud"]),
        ("Clermont-Ferrand", "63100", ["Les Vergnes", "Croix-de-Neyrat"], ["Maison de l'habitat des Vergnes"]),
    ],
    "pqn_a": [
        ("Bordeaux", "33300", ["Les Aubiers", "Bacalan"], ["PQN-A, 18 rue Furtado"]),
        ("Lormont", "33310", ["Génicart", "Carriet"], ["Pôle culturel et sportif du Bois Fleuri"]),
        ("Cenon", "33150", ["Palmer", "La Saraillère"], ["Rocher de Palmer"]),
        ("Poitiers", "86000", ["Les Couronneries", "Beaulieu"], ["Centre d'animation de Beaulieu"]),
        ("Limoges", "87100", ["Val de l'Aurence", "Beaubreuil"], ["Espace Simone Veil"]),
        ("Saintes", "17100", ["Boiffiers-Bellevue"], ["Salle de la Récluse"]),
        ("Pau", "64000", ["Saragosse", "Ousse des Bois"], ["Maison de quartier de Saragosse"]),
        ("Angoulême", "16000", ["Basseau-Grande Garenne", "Ma Campagne"], ["Espace Franquin"]),
    ],
    "ressources_territoires": [
        ("Toulouse", "31100", ["Grand Mirail", "Bagatelle", "La Faourette"], ["Ressources & Territoires, 9 rue Agathoise"]),
        ("Toulouse", "31200", ["Les Izards – Trois Cocus", "Bourbaki"], ["Maison de quartier des Izards"]),
        ("Montauban", "82000", ["Cœur de ville", "Chambord"], ["Espace des Augustins"]),
        ("Tarbes", "65000", ["Laubadère", "Solazur"], ["Maison de quartier de Laubadère"]),
        ("Albi", "81000", ["Cantepau", "Veyrières-Rayssac"], ["Centre social de Cantepau"]),
        ("Castres", "81100", ["Lameilhé", "Aillot-Bisséous"], ["Maison de quartier de Lameilhé"]),
        ("Colomiers", "31770", ["Val d'Aran – Fenassiers"], ["Pavillon Blanc"]),
    ],
    "villes_et_territoires": [
        ("Montpellier", "34080", ["Mosson", "Hauts de Massane"], ["Maison pour tous Léo Lagrange"]),
        ("Montpellier", "34070", ["Cévennes", "Petit Bard – Pergola"], ["Villes et Territoires, 2 place Paul Bec"]),
        ("Nîmes", "30900", ["Pissevin", "Valdegour", "Chemin Bas d'Avignon"], ["Centre social Simone Veil"]),
        ("Béziers", "34500", ["La Devèze", "Centre-ville"], ["Maison de la vie associative"]),
        ("Perpignan", "66000", ["Saint-Jacques", "Bas-Vernet"], ["Casa Musicale"]),
        ("Alès", "30100", ["Près-Saint-Jean", "Cévennes-Tamaris"], ["Espace André Chamson"]),
        ("Sète", "34200", ["Île de Thau", "Centre ancien"], ["Maison de quartier de l'Île de Thau"]),
    ],
    "cite_ressources": [
        ("Marseille", "13013", ["Frais-Vallon", "Malpassé"], ["Cité Ressources, 6 rue Montgrand"]),
        ("Marseille", "13015", ["La Castellane", "Kallisté"], ["Centre social Del Rio"]),
        ("Marseille", "13014", ["Busserine", "Saint-Barthélemy"], ["Théâtre du Merlan"]),
        ("Avignon", "84000", ["Monclar", "Saint-Chamand"], ["Maison pour tous de Monclar"]),
        ("Nice", "06300", ["L'Ariane", "Les Moulins"], ["Maison des associations de l'Ariane"]),
        ("La Seyne-sur-Mer", "83500", ["Berthe"], ["Espace Tisot"]),
        ("Miramas", "13140", ["La Maille"], ["Centre social Albert Schweitzer"]),
    ],
    "profession_banlieue": [
        ("Saint-Denis", "93200", ["Franc-Moisin", "Floréal", "Cosmonautes"], ["Profession Banlieue, 15 rue Catulienne"]),
        ("Aubervilliers", "93300", ["Villette – Quatre-Chemins", "Maladrerie"], ["Espace Fraternité"]),
        ("Bobigny", "93000", ["L'Abreuvoir", "Karl Marx"], ["Canal 93"]),
        ("Sevran", "93270", ["Beaudottes", "Rougemont"], ["Centre social Marcel Paul"]),
        ("Clichy-sous-Bois", "93390", ["Bas-Clichy", "Chêne Pointu"], ["Espace 93"]),
        ("Montreuil", "93100", ["Bel-Air – Grands Pêchers", "La Noue"], ["Maison de quartier Annie Fratellini"]),
        ("La Courneuve", "93120", ["Les 4000"], ["Houdremont, centre culturel"]),
    ],
    "ressources_urbaines": [
        ("Cergy", "95000", ["Axe Majeur – Horloge", "Sébastopol"], ["Maison de quartier des Touleuses"]),
        ("Sarcelles", "95200", ["Lochères"], ["Centre social Les Rosiers"]),
        ("Garges-lès-Gonesse", "95140", ["Dame Blanche", "Muette"], ["Espace Lino Ventura"]),
        ("Argenteuil", "95100", ["Val d'Argent Nord", "Joliot-Curie"], ["Salle Jean Vilar"]),
        ("Mantes-la-Jolie", "78200", ["Val Fourré"], ["Agora du Val Fourré"]),
        ("Les Mureaux", "78130", ["Cinq Quartiers"], ["Espace Molière"]),
        ("Trappes", "78190", ["Merisiers – Plaine de Neauphle"], ["Maison des parents"]),
    ],
    "crpve": [
        ("Évry-Courcouronnes", "91000", ["Pyramides", "Canal", "Champtier du Coq"], ["CRPVE, 1 rue Jules Vallès"]),
        ("Grigny", "91350", ["Grande Borne", "Grigny 2"], ["Centre de vie sociale Pablo Picasso"]),
        ("Corbeil-Essonnes", "91100", ["Tarterêts", "Montconseil"], ["Maison de quartier des Tarterêts"]),
        ("Les Ulis", "91940", ["Courdimanche", "Bathes"], ["Espace culturel Boris Vian"]),
        ("Massy", "91300", ["Opéra", "Villaine"], ["Espace Liberté"]),
        ("Ris-Orangis", "91130", ["Plateau"], ["Maison de quartier Olympe de Gouges"]),
        ("Viry-Châtillon", "91170", ["Plateau", "Cerisaie"], ["Centre social Les Horizons"]),
    ],
    "ville_caraibe": [
        ("Fort-de-France", "97200", ["Volga-Plage", "Trénelle-Citron", "Dillon", "Texaco"], ["Ville Caraïbe, immeuble Les Galbas", "Maison de quartier de Volga-Plage"]),
        ("Le Lamentin", "97232", ["Bas-Mission", "Pelletier"], ["Espace Culturel Joseph Zobel"]),
        ("Schœlcher", "97233", ["Terreville"], ["Médiathèque de Schœlcher"]),
        ("Le Robert", "97231", ["Cité Lacroix – Trou Terre"], ["Salle polyvalente du Robert"]),
        ("Sainte-Marie", "97230", ["Bezaudin – Morne des Esses"], ["Maison de la culture de Sainte-Marie"]),
        ("Le François", "97240", ["Bourg du François"], ["Centre culturel du François"]),
    ],
    "crpv_guyane": [
        ("Cayenne", "97300", ["Village Chinois", "Mont-Lucas", "Cité Césaire"], ["CRPV Guyane, 12 rue Lallouette", "Maison de quartier du Village Chinois"]),
        ("Kourou", "97310", ["Anciennes Cités", "Saramacca"], ["Maison des associations de Kourou"]),
        ("Saint-Laurent-du-Maroni", "97320", ["Les Écoles", "Balaté"], ["Camp de la Transportation"]),
        ("Matoury", "97351", ["Cogneau-Lamirande", "Concorde"], ["Centre social de Cogneau"]),
        ("Rémire-Montjoly", "97354", ["Arc-en-ciel"], ["Salle Félix Éboué"]),
    ],
    "cr_csur": [
        ("Saint-Denis", "97490", ["Le Chaudron", "Moufia", "Bas de la Rivière"], ["CR-CSUR, 2 rue Juliette Dodu", "Case du Chaudron"]),
        ("Saint-Pierre", "97410", ["Ravine Blanche", "Bois d'Olive"], ["Case de Ravine Blanche"]),
        ("Le Port", "97420", ["Rivière des Galets", "ZAC 2 – Ariste Bolon"], ["Maison des associations du Port"]),
        ("Saint-André", "97440", ["Cité Fayard", "Centre-ville"], ["Salle Jean Joly"]),
        ("Saint-Benoît", "97470", ["Bras-Fusil"], ["Case de Bras-Fusil"]),
        ("Le Tampon", "97430", ["Trois-Mares"], ["Médiathèque du Tampon"]),
    ],
    "maore_ouvoimoja": [
        ("Mamoudzou", "97600", ["Kawéni", "Cavani", "M'tsapéré"], ["GIP Maoré Ouvoimoja, Kawéni", "Pôle culturel de Chirongui"]),
        ("Koungou", "97690", ["Majicavo", "Trévani"], ["Mairie de Koungou, salle des fêtes"]),
        ("Dzaoudzi-Labattoir", "97615", ["La Vigie", "Labattoir"], ["Maison des jeunes de Labattoir"]),
        ("Sada", "97640", ["Mangajou"], ["Plateau polyvalent de Sada"]),
        ("Dembéni", "97660", ["Iloni", "Tsararano"], ["Centre universitaire de Dembéni"]),
    ],
    "crpv_guadeloupe": [
        ("Pointe-à-Pitre", "97110", ["Lauricisque", "Bergevin", "Henri IV"], ["CRPV Guadeloupe, immeuble Le Sécid", "Centre des arts et de la culture"]),
        ("Les Abymes", "97139", ["Grand-Camp", "Raizet", "Boissard"], ["Espace régional du Raizet"]),
        ("Basse-Terre", "97100", ["Rivière des Pères", "Bas du Bourg"], ["Salle Rémy Nainsouta"]),
        ("Baie-Mahault", "97122", ["Calvaire – Convenance"], ["Médiathèque de Baie-Mahault"]),
        ("Le Moule", "97160", ["Sergent – Bonan"], ["Centre culturel du Moule"]),
    ],
    "reseau_crpv": [
        ("Paris", "75007", ["Goutte d'Or", "Porte de la Chapelle"], ["ANCT, 20 avenue de Ségur"]),
        ("Paris", "75019", ["Flandre", "Stalingrad-Riquet"], ["Question de Ville, 5 rue des Haudriettes"]),
        ("Lille", "59000", ["Moulins"], ["Irev, 50 rue Gustave Delory"]),
        ("Strasbourg", "67100", ["Neuhof"], ["ORIV, 1 rue de la Course"]),
        ("Nantes", "44100", ["Bellevue"], ["RésO Villes, 2 rue Meuris"]),
        ("Marseille", "13013", ["Frais-Vallon"], ["Cité Ressources, 6 rue Montgrand"]),
    ],
}

OVERSEAS = {"ville_caraibe", "crpv_guyane", "cr_csur", "maore_ouvoimoja", "crpv_guadeloupe"}

# Subjects per theme id: (subject phrase starting with a lowercase article, short label).
THEMES: dict[str, list[str]] = {
    "participation": [
        "la participation des habitants aux instances de quartier",
        "les conseils citoyens, dix ans après leur création",
        "le pouvoir d'agir des habitants",
        "la co-construction des contrats de ville avec les habitants",
        "les budgets participatifs dans les quartiers populaires",
        "la place des associations de locataires",
    ],
    "education_jeunesse": [
        "les cités éducatives et la continuité éducative",
        "le programme de réussite éducative",
        "la place des jeunes dans l'espace public",
        "l'accompagnement à la scolarité et le soutien à la parentalité",
        "l'orientation des collégiens des quartiers prioritaires",
        "les vacances apprenantes et l'été culturel",
    ],
    "sante": [
        "la santé mentale des jeunes",
        "l'accès aux soins dans les quartiers prioritaires",
        "les contrats locaux de santé et les ateliers santé ville",
        "la santé communautaire et la médiation en santé",
        "la prévention du surpoids chez les enfants",
        "le non-recours aux droits de santé",
    ],
    "egalite_discriminations": [
        "la prévention des discriminations à l'embauche",
        "l'égalité femmes-hommes dans l'espace public",
        "la laïcité et les valeurs de la République",
        "les violences faites aux femmes",
        "la lutte contre le racisme et l'antisémitisme",
    ],
    "emploi_economie": [
        "l'accès à l'emploi des jeunes diplômés",
        "l'entrepreneuriat dans les quartiers",
        "les clauses d'insertion dans les marchés publics",
        "le commerce de proximité en pied d'immeuble",
        "les emplois francs",
        "l'économie sociale et solidaire",
    ],
    "renouvellement_urbain": [
        "le nouveau programme national de renouvellement urbain (NPNRU)",
        "la gestion urbaine et sociale de proximité",
        "le relogement des ménages et les stratégies de peuplement",
        "la concertation dans les projets de renouvellement urbain",
        "les maisons du projet",
        "la mémoire des quartiers en rénovation",
    ],
    "pilotage_contrat_de_ville": [
        "les contrats de ville « Engagements Quartiers 2030 »",
        "l'évaluation des contrats de ville",
        "la mobilisation du droit commun",
        "l'observation territoriale et les données des quartiers",
        "la géographie prioritaire 2024",
        "l'abattement de TFPB des bailleurs sociaux",
    ],
    "transitions": [
        "la transition écologique dans les quartiers populaires",
        "l'inclusion numérique et les conseillers numériques",
        "la précarité énergétique",
        "la nature en ville et les jardins partagés",
        "les mobilités du quotidien",
        "l'alimentation durable et les projets alimentaires territoriaux",
    ],
    "culture_memoire": [
        "l'éducation artistique et culturelle",
        "les mémoires des quartiers et de l'immigration",
        "les résidences d'artistes en quartier prioritaire",
        "la lecture publique et les bibliothèques",
    ],
    "acces_aux_droits": [
        "l'accès aux droits et le non-recours",
        "les maisons France Services",
        "la médiation sociale",
        "l'aller-vers les publics invisibles",
    ],
    "immigration_integration": [
        "le parcours d'intégration des primo-arrivants",
        "l'apprentissage du français et les ateliers sociolinguistiques",
        "les vieux migrants et l'accès aux droits",
        "l'accueil des personnes réfugiées",
    ],
    "developpement_territorial": [
        "la revitalisation des centres-bourgs",
        "les villes petites et moyennes",
        "le programme Action cœur de ville",
        "l'ingénierie territoriale",
    ],
    "securite_prevention": [
        "la prévention de la délinquance",
        "la tranquillité publique et la médiation de nuit",
        "la prévention de la radicalisation",
        "les conseils locaux de sécurité et de prévention de la délinquance",
    ],
}

# Overseas subjects and the theme they belong to (besides outre_mer).
OUTRE_MER_SUBJECTS = {
    "les spécificités des quartiers prioritaires ultramarins": "pilotage_contrat_de_ville",
    "l'habitat informel et la résorption de l'habitat insalubre": "renouvellement_urbain",
    "la jeunesse ultramarine et l'insertion professionnelle": "emploi_economie",
}

# How the centres label these themes in their own categories and tags.
THEME_LABELS = {
    "participation": "Participation des habitants", "education_jeunesse": "Éducation",
    "sante": "Santé", "egalite_discriminations": "Lutte contre les discriminations",
    "emploi_economie": "Emploi et insertion", "renouvellement_urbain": "Renouvellement urbain",
    "pilotage_contrat_de_ville": "Contrat de ville", "transitions": "Transition écologique",
    "culture_memoire": "Culture", "acces_aux_droits": "Accès aux droits",
    "immigration_integration": "Immigration - Intégration",
    "developpement_territorial": "Développement territorial",
    "securite_prevention": "Prévention de la délinquance", "outre_mer": "Outre-mer",
}

THEME_WEIGHTS = [
    ("participation", 6), ("education_jeunesse", 7), ("sante", 6),
    ("egalite_discriminations", 5), ("emploi_economie", 6), ("renouvellement_urbain", 6),
    ("pilotage_contrat_de_ville", 7), ("transitions", 4), ("culture_memoire", 3),
    ("acces_aux_droits", 3), ("immigration_integration", 2), ("developpement_territorial", 3),
    ("securite_prevention", 2),
]

NEWS_TITLES = [
    "{Subj} : {city} s'engage dans le quartier {qpv}",
    "{city}, quartier {qpv} : retour sur un an d'actions pour {subj}",
    "Appel à projets {year} : {subj}",
    "Retour sur la journée régionale consacrée à {subj}",
    "{Subj} : les premiers enseignements de l'enquête régionale",
    "À {city}, les habitants de {qpv} se mobilisent autour de {subj}",
    "{Subj} : un nouveau groupe de travail régional",
    "{Subj} : ce que change la circulaire du {day}",
    "Portrait : une coordinatrice de {city} engagée pour {subj}",
    "{Subj} : trois questions à l'équipe projet de {city}",
    "Quartiers prioritaires : {subj} au cœur des échanges à {city}",
    "Lancement du cycle « {Subj} »",
]

EVENT_TYPES = [
    ("Webinaire", "webinaire"), ("Séminaire", "seminaire"), ("Atelier", "atelier"),
    ("Journée régionale", "journee"), ("Rencontre", "rencontre"),
    ("Cycle de qualification", "cycle"), ("Formation", "formation"),
    ("Visite de site", "visite"), ("Soirée-débat", "soiree"), ("Forum", "forum"),
]

EVENT_TITLES = [
    "{Type} « {Subj} »",
    "{Type} : {subj}",
    "{Type} – {subj} ({city})",
    "{Type} : {subj} à {city}",
]

DOC_TITLES = [
    "Guide pratique : {subj}",
    "Étude : {subj} dans les quartiers prioritaires",
    "Fiche expérience – {city} ({qpv}) : {subj}",
    "Actes de la journée « {Subj} »",
    "Note de synthèse : {subj}",
    "Repères n°{n} – {Subj}",
    "Cahier thématique : {subj}",
]

# Titles of actions: the sheet of a local project, the story of a quartier's experience.
ACTION_TITLES = {
    "Fiche expérience – {city} ({qpv}) : {subj}",
    "Habitat & cadre de vie : l'expérience du quartier {qpv}",
}

# Titles with "&" and an apostrophe (printed as &amp; and &#8217; by WordPress).
AMP_TITLES = [
    ("Emploi & quartiers : l'essentiel du rapport de l'ONPV pour {city}", "emploi_economie"),
    ("Santé & précarité : l'enquête menée à {city} est en ligne", "sante"),
    ("Jeunesse & citoyenneté : l'appel à projets {year} est ouvert", "education_jeunesse"),
    ("Habitat & cadre de vie : l'expérience du quartier {qpv}", "renouvellement_urbain"),
    ("Laïcité & valeurs de la République : l'offre de formation {year}", "egalite_discriminations"),
    ("Culture & mémoire : l'exposition des habitants de {qpv}", "culture_memoire"),
]

# Numbered series published as bare PDFs (no landing page).
SERIES = {
    "spip": "La Lettre de {short} n°{n} – {month} {year}",
    "custom_php": "Les Cahiers de {short} n°{n} – {month} {year}",
}

OPENINGS = [
    "Dans le cadre de son programme de travail {year}, {centre} a réuni les professionnels de la politique de la ville autour de {subj}.",
    "À {city}, dans le quartier {qpv}, les acteurs locaux travaillent depuis plusieurs mois sur ce dossier.",
    "{Subj} : le sujet revient régulièrement dans les échanges avec les équipes de terrain du territoire.",
    "Les équipes de {centre} accompagnent les collectivités et leurs partenaires sur {subj}.",
    "En {month}, une cinquantaine de personnes se sont retrouvées à {city} pour parler de {subj}.",
    "C'est une demande qui remonte souvent du terrain : mieux outiller les acteurs sur ces questions.",
    "{person}, {role}, le reconnaît volontiers : à {city}, rien n'allait de soi au départ.",
    "Que retenir de {n} mois de travail sur {subj} à {city} ? Quelques enseignements, et beaucoup de questions.",
    "Avec {partner}, {centre} a lancé une démarche d'accompagnement sur {subj}.",
    "Le quartier {qpv}, à {city}, sert depuis l'an dernier de terrain d'expérimentation.",
    "Plusieurs villes du territoire ont sollicité {centre} sur le sujet ; voici ce qu'il faut en retenir.",
    "Il a fallu près de deux ans pour que {subj} trouve sa place dans les priorités locales à {city}.",
]

# Theme-neutral sentences: they must not suggest a theme the item is not about (no word of
# data/themes.yaml's keywords). Placeholders give each item its own people, partners and
# figures, so two different stories on one subject do not read alike.
SENTENCES = [
    "Les représentants de l'État, les chefs de projet et les partenaires associatifs ont partagé leurs constats.",
    "Les acteurs du quartier {qpv} ont été associés dès la phase de diagnostic.",
    "Un premier bilan montre une forte mobilisation des associations de proximité.",
    "Le centre de ressources met à disposition une sélection de ressources et de retours d'expériences.",
    "Les échanges ont permis d'identifier des leviers concrets pour agir localement.",
    "La démarche associe l'État, la collectivité et leurs partenaires.",
    "L'intervention s'appuie sur un diagnostic partagé par l'ensemble des partenaires.",
    "À {city}, l'équipe projet a mis en place un comité de suivi réunissant les partenaires tous les trimestres.",
    "Les participants ont visité plusieurs équipements du quartier {qpv}.",
    "Ce travail a donné lieu à une note de capitalisation disponible en téléchargement.",
    "Les inscriptions sont ouvertes aux professionnels et aux bénévoles du territoire.",
    "La rencontre est gratuite, sur inscription préalable, dans la limite des places disponibles.",
    "Les intervenants ont rappelé que près de 5,3 millions de personnes vivent dans les 1 584 quartiers prioritaires.",
    "Le projet bénéficie d'un cofinancement de l'État, via l'ANCT.",
    "Des élus, des agents de développement local et des professionnels de terrain ont témoigné de leurs pratiques.",
    "« On avance petit à petit, mais on avance », résume {person}, {role}.",
    "{person}, {role}, insiste sur le temps long : « Rien ne se fait en une saison. »",
    "Selon {person}, {role}, la difficulté tient surtout à la coordination entre les intervenants.",
    "{partner} a mis à disposition ses locaux et deux salariés pendant toute la durée du projet.",
    "Le budget de l'action s'élève à {n2} 000 euros sur deux ans.",
    "Une cinquantaine de questions ont été posées lors du temps d'échange qui a suivi.",
    "La matinée s'est achevée par un déjeuner partagé préparé par {partner}.",
    "Les premiers résultats seront présentés en {month} devant le conseil municipal.",
    "La démarche doit être étendue à {n} autres communes du département d'ici deux ans.",
    "Un questionnaire a été diffusé auprès de {n2}0 personnes ; plus d'un tiers y ont répondu.",
    "Le groupe de travail se réunira de nouveau en {month}, à {city}.",
    "Les comptes rendus des séances sont consultables sur demande.",
    "« Nous ne partions de rien », rappelle {person}, qui suit le dossier depuis le début.",
    "{partner} a coordonné la démarche, avec l'appui d'un cabinet d'études.",
    "Les intervenants ont insisté sur l'importance de la continuité des financements.",
    "Trois ateliers thématiques ont ponctué l'après-midi, chacun animé par un binôme de professionnels.",
    "Le calendrier a dû être revu plusieurs fois, faute de salle disponible.",
    "Une restitution publique est prévue au printemps, dans la salle polyvalente du quartier.",
    "Les échanges se sont poursuivis de manière informelle autour d'un café.",
    "Un guide méthodologique reprenant les étapes de la démarche est en cours de rédaction.",
    "Les financeurs ont validé la poursuite de l'expérimentation pour une année supplémentaire.",
    "{n} structures ont répondu présent, un chiffre en nette hausse par rapport à l'an dernier.",
    "{person} souligne le rôle décisif des bénévoles, « sans qui rien n'aurait été possible ».",
    "Les participants ont salué la qualité des échanges et la diversité des points de vue.",
    "Plusieurs pistes ont été retenues, qui devront encore être chiffrées.",
    "La convention signée en {month} fixe les engagements de chacun pour trois ans.",
    "Faute de moyens humains, certaines actions prévues ont été reportées à l'an prochain.",
    "La visite s'est terminée dans les locaux de {partner}, où un temps convivial était proposé.",
    "Des vidéos tournées pendant la journée seront mises en ligne dans les prochaines semaines.",
    "« Il faut sortir des bureaux et aller voir ce qui se passe en bas des immeubles », plaide {person}, {role}.",
    "Un bilan chiffré sera établi à l'issue de la première année.",
    "La salle était comble : il a fallu ajouter des chaises en dernière minute.",
    "Les échanges ont aussi pointé des limites, notamment sur la durée des financements.",
]

# Sentences that carry a theme, so a reader can tell what the item is about. Hand-written
# as centres and local papers phrase things, independently of the classifier's vocabulary
# (data/themes.yaml): no keyword or acronym of that file is copied here (a test checks it),
# so the theme figures measured on the mirror are not circular. Some words of the field
# still occur where natural French uses them ("chômage", "bibliothèque").
THEME_PHRASES: dict[str, list[str]] = {
    "participation": [
        "Une trentaine de résidents ont parcouru le quartier {qpv} avec les élus pour pointer ce qui ne va pas : éclairage, propreté, bancs manquants.",
        "Les idées retenues ont été soumises au vote des riverains, qui ont choisi de financer une aire de jeux et un abri pour les jardiniers.",
        "« Ici, on a enfin le sentiment d'être écoutés », confie une mère de famille qui siège depuis deux ans au collectif d'habitants.",
        "Des permanences en pied d'immeuble ont permis de recueillir l'avis de ceux qui ne viennent jamais aux réunions publiques.",
        "Le collectif des locataires a obtenu que ses propositions soient examinées lors de la prochaine réunion avec la mairie.",
        "Pour la première fois, ce sont les habitants eux-mêmes qui ont animé la soirée de restitution devant les élus.",
        "Les membres de l'association de quartier ont été formés à l'animation de réunions et à la prise de parole en public.",
        "Une boîte à idées installée à la maison de quartier a recueilli plus de cent cinquante propositions en trois semaines.",
    ],
    "education_jeunesse": [
        "Les enseignants du groupe scolaire et les animateurs du centre social se retrouvent désormais chaque mois pour suivre les élèves en difficulté.",
        "Des étudiants bénévoles proposent de l'aide aux devoirs trois soirs par semaine dans les locaux de l'association.",
        "Une vingtaine d'adolescents ont préparé pendant l'été un court séjour en autonomie, du budget jusqu'aux réservations.",
        "Les parents sont invités à des cafés-rencontres pour échanger avec l'équipe du collège sur l'orientation de leurs enfants.",
        "Un accompagnement individualisé est proposé aux élèves qui lâchent prise, avec l'accord de leur famille.",
        "Les 16-25 ans du quartier ont désormais un lieu à eux, ouvert en soirée et le samedi, animé par deux éducateurs.",
        "Dès la maternelle, des ateliers de langage réunissent les tout-petits et leurs parents une matinée par semaine.",
        "Les lycéens ont rencontré des professionnels de leur quartier pour découvrir des métiers qu'ils ne connaissaient pas.",
    ],
    "sante": [
        "Une infirmière et une médiatrice tiennent une permanence chaque jeudi pour aider les familles à trouver un médecin traitant.",
        "Le départ à la retraite de deux généralistes a laissé près de 3 000 patients sans suivi régulier dans le secteur.",
        "Des séances de dépistage gratuit ont été proposées sur le marché, au plus près des habitants.",
        "Les professionnels constatent une hausse de l'anxiété et du mal-être chez les adolescents depuis la crise sanitaire.",
        "Un bus de prévention passe désormais deux fois par mois au pied des tours de {qpv}.",
        "Les ateliers cuisine et activité physique ont attiré une quarantaine de familles sur l'année.",
        "Le cabinet pluridisciplinaire qui ouvrira en {year} réunira généralistes, kinésithérapeutes et une sage-femme.",
        "Faute de rendez-vous, beaucoup de familles se rendent directement aux urgences pour des soins courants.",
    ],
    "egalite_discriminations": [
        "Des tests menés auprès d'agences immobilières ont mis en évidence des refus liés au nom ou à l'adresse des candidats.",
        "Les femmes du quartier ont repéré les rues où elles ne se sentent pas à l'aise le soir, pour proposer des aménagements.",
        "Un groupe de jeunes filles a obtenu l'ouverture d'un créneau qui leur est réservé au city-stade.",
        "Les agents d'accueil ont été formés à repérer et à signaler les situations de traitement inégal.",
        "À compétences égales, un candidat qui habite le quartier reçoit nettement moins de réponses positives qu'un autre.",
        "Une juriste reçoit sur rendez-vous les personnes qui pensent avoir été écartées d'un poste ou d'une location en raison de leur origine.",
        "Les associations de femmes du quartier ont organisé une journée sur la place des mères isolées dans la vie locale.",
        "Les idées reçues sur les métiers « d'hommes » et « de femmes » ont été débattues avec les élèves de troisième.",
    ],
    "emploi_economie": [
        "Une vingtaine de personnes ont décroché un contrat de travail après le forum organisé à la salle des fêtes.",
        "Les chantiers du quartier réservent une partie des heures de travail à des résidents éloignés du marché du travail.",
        "Un incubateur installé en rez-de-chaussée aide les porteurs de projet qui veulent se lancer à leur compte.",
        "Les employeurs du bassin ont rencontré les candidats en entretiens express, sans CV, sur la base des savoir-faire.",
        "Le taux de chômage des moins de 26 ans y reste près de deux fois supérieur à celui de l'agglomération.",
        "Une épicerie et un atelier de couture ont rouvert des boutiques restées vides depuis des années.",
        "Des permis de conduire financés à moitié lèvent l'un des premiers freins au retour au travail.",
        "Le groupement d'employeurs réunit des postes à temps partiel pour en faire de vrais temps pleins.",
    ],
    "renouvellement_urbain": [
        "Les premières barres doivent tomber au printemps, avant la construction de petits immeubles et de maisons de ville.",
        "Les familles dont l'immeuble va disparaître sont reçues une à une pour préparer leur déménagement.",
        "La future place centrale a été dessinée avec les riverains lors de trois ateliers sur maquette.",
        "Pendant les travaux, une équipe de terrain veille à la propreté, aux cheminements et à l'éclairage provisoire.",
        "Les halls d'entrée ont été refaits et les ascenseurs remplacés dans les quatre tours du secteur {qpv}.",
        "Le nouveau parc de deux hectares remplace l'ancien parking et relie enfin le quartier au tramway.",
        "La réhabilitation doit durer trois ans et concerne plus de 400 appartements.",
        "Les locataires ont pu choisir entre un nouvel appartement dans le quartier ou ailleurs dans l'agglomération.",
    ],
    "pilotage_contrat_de_ville": [
        "Les signataires se sont accordés sur une douzaine d'objectifs chiffrés, suivis chaque année.",
        "Un tableau de bord partagé permet désormais de comparer la situation du quartier à celle du reste de la commune.",
        "Les services de l'État et de la collectivité ont passé en revue les crédits engagés et les actions à reconduire.",
        "Le bilan à mi-parcours souligne que les moyens ordinaires des administrations restent inégalement présents dans les quartiers.",
        "Les élus ont validé la nouvelle programmation et les priorités retenues pour les trois prochaines années.",
        "Les chiffres du dernier recensement montrent un revenu médian inférieur de moitié à celui de la ville.",
        "L'appel à projets annuel a reçu 85 dossiers, pour la plupart portés par de petites associations.",
        "Les partenaires se réunissent deux fois par an pour ajuster leur feuille de route commune.",
    ],
    "transitions": [
        "Des ateliers apprennent aux familles à réduire leur facture de chauffage sans perdre en confort.",
        "Les habitants peuvent faire réparer gratuitement leur petit électroménager lors du repair café mensuel.",
        "Une aidante accompagne pas à pas les personnes qui n'arrivent pas à faire leurs démarches sur internet.",
        "Des cours d'informatique pour débutants sont proposés aux retraités, du premier courriel à la prise de rendez-vous en ligne.",
        "Des arbres ont été plantés dans le square pour le rafraîchir lors des fortes chaleurs.",
        "Les parcelles cultivées au pied des immeubles ont produit cette année plus d'une tonne de légumes.",
        "Une navette et des vélos en libre-service relient désormais le quartier à la zone d'activités.",
        "Des tablettes reconditionnées ont été remises aux familles qui n'avaient aucun équipement à la maison.",
    ],
    "culture_memoire": [
        "Une fresque de quarante mètres, réalisée avec les enfants du quartier, orne désormais le mur du gymnase.",
        "Les anciens ont raconté leur arrivée dans le quartier dans les années 1960 ; leurs récits ont été enregistrés.",
        "Une compagnie de danse est installée pour un an au cœur du quartier et ouvre ses répétitions au public.",
        "Le festival de quartier a réuni plus de deux mille spectateurs sur trois soirées de concerts gratuits.",
        "Des ateliers d'écriture ont donné naissance à un recueil de textes publié en fin d'année.",
        "Un fonds de photographies anciennes a été numérisé et présenté lors d'une soirée de projection.",
        "Les collégiens ont découvert l'opéra en coulisses avant d'assister à une représentation.",
        "La bibliothèque de rue s'installe chaque mercredi sur la pelouse au pied des immeubles.",
    ],
    "acces_aux_droits": [
        "Beaucoup de familles ignorent qu'elles pourraient toucher des aides auxquelles elles ont pourtant droit.",
        "Une bénévole aide chaque semaine à remplir les dossiers de retraite ou de prestations familiales.",
        "Les agents vont désormais frapper aux portes pour rencontrer les personnes seules qui ne se déplacent plus.",
        "Un guichet unique réunit en un même lieu les principaux services administratifs, sans rendez-vous le mardi.",
        "Les dossiers incomplets ou en retard privent chaque année des centaines de ménages de leurs allocations.",
        "Une camionnette fait la tournée des quartiers pour aider aux démarches administratives.",
        "Les travailleurs sociaux constatent que la dématérialisation éloigne encore davantage les plus fragiles de ce qui leur est dû.",
        "Une permanence gratuite d'avocats se tient un samedi par mois à la mairie annexe.",
    ],
    "immigration_integration": [
        "Des cours de conversation permettent aux nouveaux arrivants de pratiquer le français dans des situations de tous les jours.",
        "Les femmes arrivées récemment en France suivent un parcours mêlant langue, découverte de la ville et services publics.",
        "Les anciens travailleurs venus du Maghreb dans les années 1970 ont partagé leurs souvenirs avec des lycéens.",
        "Des bénévoles accompagnent les familles nouvellement arrivées dans leurs démarches auprès de la préfecture.",
        "Un imagier en huit langues a été conçu pour faciliter l'accueil des familles à la crèche.",
        "Les hommes âgés qui vivent seuls au foyer de travailleurs reçoivent la visite régulière d'une médiatrice.",
        "Une classe passerelle accueille les enfants allophones avant leur entrée dans une classe ordinaire.",
        "Des parrainages entre familles installées depuis longtemps et familles nouvellement arrivées ont été organisés.",
    ],
    "developpement_territorial": [
        "La commune de 12 000 habitants mise sur la reprise de ses rez-de-chaussée vacants et de ses logements anciens.",
        "Les petites communes de l'intercommunalité partagent désormais un chef de projet pour monter leurs dossiers.",
        "La rue principale a retrouvé une boulangerie, une librairie et un tiers-lieu en deux ans.",
        "Le bourg, qui a perdu un quart de ses habitants en trente ans, veut attirer de jeunes ménages.",
        "Des crédits régionaux et européens financent la remise en état des halles du marché.",
        "Les élus de cette ville moyenne veulent enrayer la vacance des boutiques et la fuite vers les zones périphériques.",
        "Une étude sur les besoins d'équipements a été menée à l'échelle du bassin de vie.",
        "Les maires des communes voisines ont signé une charte pour coordonner l'implantation des services.",
    ],
    "securite_prevention": [
        "Des médiateurs sillonnent le quartier le soir pour apaiser les tensions et renouer le dialogue entre voisins.",
        "Les rodéos motorisés empoisonnent la vie des riverains, qui réclament des réponses rapides.",
        "Une cellule de veille réunit tous les mois la mairie, le commissariat, les gardiens d'immeuble et les éducateurs de rue.",
        "Les halls squattés ont été réaménagés et les points de deal repoussés loin des entrées d'immeubles.",
        "Des jeunes condamnés effectuent des heures de travaux au service de la commune plutôt qu'une peine de prison.",
        "Les commerçants se disent rassurés depuis la mise en place de rondes régulières en fin de journée.",
        "Un numéro dédié permet aux locataires de prévenir discrètement en cas de nuisances répétées.",
        "Après les incidents de l'été, une marche blanche a rassemblé plusieurs centaines de personnes.",
    ],
    "outre_mer": [
        "Ici, les moins de 25 ans représentent souvent plus de 40 % de la population.",
        "Les cases en tôle construites sans permis sur les hauteurs compliquent l'accès des secours et des services.",
        "Les coupures d'eau à répétition pèsent lourdement sur le quotidien des familles.",
        "L'éloignement de l'Hexagone renchérit le coût des matériaux et allonge la durée des chantiers.",
        "La saison cyclonique impose d'adapter le calendrier des travaux et les lieux d'accueil du public.",
    ],
}

CLOSINGS = [
    "Pour en savoir plus, contactez l'équipe de {centre}.",
    "Retrouvez l'ensemble des ressources sur ce thème dans notre centre de documentation.",
    "Ce temps d'échange sera suivi d'une publication de capitalisation.",
    "Merci à toutes et à tous pour la qualité des échanges !",
    "Contact : {person}, {role}.",
    "Une prochaine séance est prévue en {month} ; nous vous en dirons plus bientôt.",
    "Les supports présentés sont disponibles sur simple demande auprès de {centre}.",
    "Nous remercions chaleureusement {partner} pour son accueil.",
]


EVENT_CLOSINGS = [
    "Inscription gratuite mais obligatoire.",
    "Le programme détaillé sera diffusé aux personnes inscrites.",
    "Informations et inscriptions auprès de l'équipe de {centre}.",
]
ONLINE_CLOSING = "Le lien de connexion vous sera transmis quelques jours avant la rencontre."


def weighted_theme(rng) -> str:
    """A theme id drawn with the network's rough frequencies."""
    total = sum(w for _, w in THEME_WEIGHTS)
    pick = rng.randrange(total)
    for theme, weight in THEME_WEIGHTS:
        if pick < weight:
            return theme
        pick -= weight
    return THEME_WEIGHTS[-1][0]


def cap(text: str) -> str:
    """Capitalise the first letter only."""
    return text[:1].upper() + text[1:]


CONTRACTIONS = [(" à le ", " au "), (" à les ", " aux "), (" de le ", " du "),
                (" de les ", " des "), ("À le ", "Au "), ("De le ", "Du "),
                (" à Le ", " au "), (" à Les ", " aux "), (" de Le ", " du "), (" de Les ", " des "),
                ("À Le ", "Au "), ("À Les ", "Aux ")]
ELISION = re.compile(r"\b([dD])e (?=[AEÉÈIÎOÔUYŒaeéèiîoôuyœ])")


def contract(text: str) -> str:
    """French contractions and elisions after templating ("à le pouvoir" → "au pouvoir",
    "à Le Havre" → "au Havre", "de Amiens" → "d'Amiens")."""
    for old, new in CONTRACTIONS:
        text = text.replace(old, new)
    return ELISION.sub(r"\1'", text)


def fill(template: str, **values: str) -> str:
    """Format a template (with capitalised `Subj`), then apply French contractions; a
    template's "dans les quartiers prioritaires" is left out when the subject says it."""
    if "subj" in values:
        values["Subj"] = cap(values["subj"])
        if "quartiers prioritaires" in values["subj"]:
            template = template.replace(" dans les quartiers prioritaires", "")
    return contract(template.format(**values))


FIRST_NAMES = ["Fatima", "Karim", "Nadia", "Jean-Marc", "Sylvie", "Moussa", "Aïcha", "Thomas",
               "Claire", "Yannick", "Samia", "Didier", "Mélanie", "Rachid", "Sandrine", "Ibrahima",
               "Hélène", "Youssef", "Laurence", "Mamadou", "Isabelle", "Patrick", "Leïla", "Nicolas",
               "Béatrice", "Djamel", "Émilie", "Franck", "Zohra", "Olivier", "Marie-Josée", "Anli"]
ROLES = ["coordinatrice du centre social", "chargé de mission à la mairie", "directrice de la maison de quartier",
         "animateur socioculturel", "adjointe au maire", "président de l'amicale des locataires",
         "habitante du quartier", "bénévole de longue date", "chef de service à l'agglomération",
         "agent de développement local", "responsable associative", "chargée d'études"]
PARTNERS = ["l'association Trait d'Union", "la régie de quartier", "le centre social La Passerelle",
            "l'association L'Escale", "la maison de quartier Arc-en-ciel", "l'association La Boussole",
            "le collectif Le Lien", "l'association Horizon", "la Ruche, tiers-lieu associatif",
            "l'association Les Quatre Vents", "le centre social L'Olivier", "la fédération des centres sociaux"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "septembre", "octobre",
          "novembre", "décembre"]


def people(rng) -> dict[str, str]:
    """An item's own cast: a person and their role, a partner, a month, a figure."""
    return {"person": f"{rng.choice(FIRST_NAMES)} {chr(65 + rng.randrange(26))}.",
            "role": rng.choice(ROLES), "partner": rng.choice(PARTNERS),
            "month": rng.choice(MONTHS), "n2": str(rng.randint(12, 95)), "n": str(rng.randint(3, 12))}


def paragraphs(rng, count: int, theme: str | None = None, closings: list[str] | None = None,
               also: str | None = None, **values: str) -> list[str]:
    """`count` paragraphs of plausible French prose about one subject and place; with
    `theme`, some sentences say what the theme is about in plain words (THEME_PHRASES);
    `also` adds one phrase of a second theme (overseas items)."""
    values = {**people(rng), **values}
    out = [fill(rng.choice(OPENINGS), **values)]
    themed = list(THEME_PHRASES.get(theme, [])) if theme else []
    rng.shuffle(themed)
    if also and count > 1:
        # Within the last count-1 places: it is popped into one of the middle paragraphs.
        themed.insert(len(themed) - rng.randrange(min(count - 1, len(themed) + 1)),
                      rng.choice(THEME_PHRASES[also]))
    for _ in range(count - 1):
        picked = [fill(s, **values) for s in rng.sample(SENTENCES, rng.randint(2, 3))]
        if themed:
            picked.insert(rng.randrange(3), fill(themed.pop(), **values))
        else:
            picked.append(fill(rng.choice(SENTENCES), **values))
        out.append(" ".join(picked))
    out.append(fill(rng.choice(closings or CLOSINGS), **values))
    return out
